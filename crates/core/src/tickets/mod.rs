//! Cases (casos): registration with consecutive numbering, lifecycle, SLA deadlines on the
//! business calendar, timeline, survey and automatic closing.

pub mod demo;
pub mod export;
pub mod links;
pub mod timeline;
pub mod work;

use std::collections::{BTreeMap, HashMap};

use crate::db::{params, Db, Engine, OptionalExt, Row};
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Utc};

use crate::calendar::BusinessCalendar;
use crate::clock::{from_db, from_local, parse_time_input, to_db, to_local, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::model::*;
use crate::store::{get_setting, get_setting_i64, Store};
use crate::text::{clean, clean_opt, fold};
pub(crate) use timeline::add_event;

/// Columns read for a [`Ticket`] (by name, see [`TicketRow::from_row`]).
const COLUMNS: &str = "t.id, t.number, t.legacy_number, t.received_at, t.received_date_only, \
    t.registered_at, t.requester, t.department, t.location, t.phone, t.email, t.channel, t.origin, \
    t.service_type, t.level, t.priority, t.urgency, t.impact, t.assignee, t.status, \
    t.response_due_at, t.resolution_due_at, t.first_response_at, t.resolved_at, t.closed_at, \
    t.close_reason, t.description, t.solution, t.asset_tag, t.survey_due_at, t.source_file, \
    t.source_sheet, t.source_row, t.extra, s.scores, s.comment, s.answered_at, \
    coalesce((SELECT max(v.id) FROM ticket_events v WHERE v.ticket_id = t.id), 0) AS version";

const FROM: &str = "tickets t LEFT JOIN surveys s ON s.ticket_id = t.id";

/// Sortable columns of the case list.
/// Each sort matches an index (see 0001_initial.sql), so a page never sorts the whole table.
const SORTS: &[(&str, &str)] = &[
    ("number", "t.year {d}, t.seq {d}"),
    ("received_at", "t.received_at {d}"),
    ("requester", "t.requester COLLATE NOCASE {d}"),
    ("department", "t.department {d}, t.received_at {d}"),
    ("service_type", "t.service_type {d}, t.received_at {d}"),
    ("status", "t.status {d}, t.received_at {d}"),
    ("assignee", "t.assignee {d}, t.status {d}"),
    ("resolution_due_at", "t.resolution_due_at {d}"),
    ("level", "t.level {d}, t.received_at {d}"),
    ("priority", "t.urgency + t.impact {d}"),
];

/// Above this many matching rows a filter is "not selective": see `list_tickets`.
const SELECTIVE_ROWS: i64 = 3000;

const OPEN_STATUSES: &str = "('new','assigned','in_progress','on_hold')";

/// SQL condition: open, not overdue, and a running clock ends before `:eod` (end of today).
const DUE_TODAY_SQL: &str = "(t.status IN ('new','assigned','in_progress','on_hold') \
    AND NOT ((t.first_response_at IS NULL AND t.response_due_at < :now) OR t.resolution_due_at < :now) \
    AND ((t.first_response_at IS NULL AND t.response_due_at < :eod) OR t.resolution_due_at < :eod))";

/// Midnight at the end of the Bogota day containing `now`.
fn end_of_local_day(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = to_local(now);
    let next = local.date().succ_opt().unwrap_or(local.date());
    from_local(next.and_hms_opt(0, 0, 0).unwrap_or(local))
}

/// SQL condition: the case's response or resolution clock is running past its deadline.
const OVERDUE_SQL: &str = "(t.status IN ('new','assigned','in_progress','on_hold') AND \
    ((t.first_response_at IS NULL AND t.response_due_at < :now) OR t.resolution_due_at < :now))";

/// Columns read for a [`ServiceType`] (by name, see [`ServiceType::from_row`]).
const SERVICE_TYPE_COLUMNS: &str =
    "name, default_level, response_minutes, resolution_minutes, default_assignee";

impl ServiceType {
    fn from_row(r: &Row<'_>) -> crate::error::Result<Self> {
        Ok(ServiceType {
            name: r.get("name")?,
            default_level: r.get("default_level")?,
            response_minutes: r.get("response_minutes")?,
            resolution_minutes: r.get("resolution_minutes")?,
            default_assignee: r.get("default_assignee")?,
        })
    }
}

/// Columns read for a [`StaffMember`] (by name, see [`StaffMember::from_row`]).
const STAFF_COLUMNS: &str = "name, role, level, active";

impl StaffMember {
    fn from_row(r: &Row<'_>) -> crate::error::Result<Self> {
        Ok(StaffMember {
            name: r.get("name")?,
            role: r.get("role")?,
            level: r.get("level")?,
            active: r.get::<_, i64>("active")? == 1,
        })
    }
}

struct Raw {
    id: i64,
    ticket: Ticket,
    received_utc: Option<DateTime<Utc>>,
}

fn opt_time(v: Option<String>) -> Result<Option<String>> {
    v.map(|s| from_db(&s).map(to_rfc3339_local)).transpose()
}

/// A row of [`COLUMNS`] as stored; [`build`] turns it into a [`Ticket`] outside the rusqlite
/// closure (its conversions fail with a [`CoreError`]).
struct TicketRow {
    id: i64,
    number: String,
    legacy_number: Option<String>,
    received_at: Option<String>,
    received_date_only: i64,
    registered_at: String,
    requester: String,
    department: String,
    location: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    channel: String,
    origin: String,
    service_type: Option<String>,
    level: i64,
    priority: String,
    urgency: i64,
    impact: i64,
    assignee: Option<String>,
    status: TicketStatus,
    response_due_at: Option<String>,
    resolution_due_at: Option<String>,
    first_response_at: Option<String>,
    resolved_at: Option<String>,
    closed_at: Option<String>,
    close_reason: Option<String>,
    description: String,
    solution: Option<String>,
    asset_tag: Option<String>,
    survey_due_at: Option<String>,
    source_file: Option<String>,
    source_sheet: Option<String>,
    source_row: Option<i64>,
    extra: String,
    scores: Option<String>,
    comment: Option<String>,
    answered_at: Option<String>,
    version: i64,
}

impl TicketRow {
    fn from_row(r: &Row<'_>) -> crate::error::Result<Self> {
        Ok(TicketRow {
            id: r.get("id")?,
            number: r.get("number")?,
            legacy_number: r.get("legacy_number")?,
            received_at: r.get("received_at")?,
            received_date_only: r.get("received_date_only")?,
            registered_at: r.get("registered_at")?,
            requester: r.get("requester")?,
            department: r.get("department")?,
            location: r.get("location")?,
            phone: r.get("phone")?,
            email: r.get("email")?,
            channel: r.get("channel")?,
            origin: r.get("origin")?,
            service_type: r.get("service_type")?,
            level: r.get("level")?,
            priority: r.get("priority")?,
            urgency: r.get("urgency")?,
            impact: r.get("impact")?,
            assignee: r.get("assignee")?,
            status: r.get("status")?,
            response_due_at: r.get("response_due_at")?,
            resolution_due_at: r.get("resolution_due_at")?,
            first_response_at: r.get("first_response_at")?,
            resolved_at: r.get("resolved_at")?,
            closed_at: r.get("closed_at")?,
            close_reason: r.get("close_reason")?,
            description: r.get("description")?,
            solution: r.get("solution")?,
            asset_tag: r.get("asset_tag")?,
            survey_due_at: r.get("survey_due_at")?,
            source_file: r.get("source_file")?,
            source_sheet: r.get("source_sheet")?,
            source_row: r.get("source_row")?,
            extra: r.get("extra")?,
            scores: r.get("scores")?,
            comment: r.get("comment")?,
            answered_at: r.get("answered_at")?,
            version: r.get("version")?,
        })
    }
}

fn build(t: TicketRow) -> Result<Raw> {
    let received_utc = t.received_at.as_deref().map(from_db).transpose()?;
    let received_at = received_utc.map(|r| {
        if t.received_date_only == 1 {
            to_local(r).date().format("%Y-%m-%d").to_string()
        } else {
            to_rfc3339_local(r)
        }
    });
    let survey = match (t.scores, t.answered_at) {
        (Some(s), Some(a)) => Some(Survey {
            scores: serde_json::from_str(&s)?,
            comment: t.comment,
            answered_at: to_rfc3339_local(from_db(&a)?),
        }),
        _ => None,
    };
    let extra: BTreeMap<String, String> = serde_json::from_str(&t.extra)?;
    let ticket = Ticket {
        number: t.number,
        legacy_number: t.legacy_number,
        received_at,
        registered_at: to_rfc3339_local(from_db(&t.registered_at)?),
        requester: t.requester,
        department: t.department,
        location: t.location,
        phone: t.phone,
        email: t.email,
        channel: t.channel,
        origin: t.origin,
        service_type: t.service_type,
        level: t.level,
        priority: t.priority,
        urgency: t.urgency,
        impact: t.impact,
        assignee: t.assignee,
        status: t.status,
        response_due_at: opt_time(t.response_due_at)?,
        resolution_due_at: opt_time(t.resolution_due_at)?,
        first_response_at: opt_time(t.first_response_at)?,
        resolved_at: opt_time(t.resolved_at)?,
        closed_at: opt_time(t.closed_at)?,
        close_reason: t.close_reason,
        description: t.description,
        solution: t.solution,
        asset_tag: t.asset_tag,
        survey,
        survey_due_at: opt_time(t.survey_due_at)?,
        source: t.source_file.map(|file| Source {
            file,
            sheet: t.source_sheet,
            row: t.source_row.filter(|r| *r >= 0),
        }),
        extra,
        overdue: false,
        due_soon: false,
        version: t.version,
    };
    Ok(Raw {
        id: t.id,
        ticket,
        received_utc,
    })
}

/// Inside a write transaction (so nobody can change the case between the check and the
/// write): refuses with `conflicto_edicion` when the case's version (the id of its newest
/// timeline entry, [`Ticket::version`]) is not `seen`, naming who changed it and when.
pub(crate) fn ensure_unchanged(conn: &crate::db::Db, number: &str, seen: i64) -> Result<()> {
    let last: Option<(i64, String, String, String)> = conn
        .query_row(
            "SELECT e.id, e.at, e.actor, t.number FROM tickets t
               JOIN ticket_events e ON e.ticket_id = t.id
              WHERE t.number = ?1 COLLATE NOCASE
              ORDER BY e.id DESC LIMIT 1",
            [number.trim()],
            |r| {
                Ok((
                    r.get("id")?,
                    r.get("at")?,
                    r.get("actor")?,
                    r.get("number")?,
                ))
            },
        )
        .optional()?;
    match last {
        Some((id, ..)) if id == seen => Ok(()),
        Some((_, at, actor, number)) => {
            let local = to_local(from_db(&at)?);
            Err(CoreError::EditConflict {
                number,
                at: local.format("%H:%M").to_string(),
                date: local.format("%d/%m/%Y").to_string(),
                actor,
            })
        }
        // No timeline at all (a case always has one; an unknown number is said by the write).
        None if seen == 0 => Ok(()),
        None => Err(CoreError::TicketNotFound(number.into())),
    }
}

fn load_raw_in(conn: &crate::db::Db, number: &str) -> Result<Raw> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE t.number = ?1 COLLATE NOCASE");
    let found = conn
        .query_row(&sql, [number.trim()], TicketRow::from_row)
        .optional()?;
    build(found.ok_or_else(|| CoreError::TicketNotFound(number.into()))?)
}

/// Everything a deadline computation needs about one case.
pub(crate) struct SlaInput {
    pub received: Option<DateTime<Utc>>,
    pub response_minutes: Option<i64>,
    pub resolution_minutes: Option<i64>,
    pub pauses: Vec<(NaiveDateTime, Option<NaiveDateTime>)>,
}

/// Computes (response, resolution) deadlines on the business calendar.
pub(crate) fn deadlines(
    cal: &BusinessCalendar,
    sla: &SlaInput,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let Some(received) = sla.received else {
        return (None, None);
    };
    let start = to_local(received);
    let due = |m: Option<i64>| {
        m.and_then(|m| {
            cal.deadline_with_pauses(start, m, &sla.pauses)
                .map(from_local)
        })
    };
    (due(sla.response_minutes), due(sla.resolution_minutes))
}

/// «Recibido el» as typed: not later than the registration (5 minutes of clock skew allowed).
pub(crate) fn parse_received(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let received = parse_time_input("recibido", s)?;
    if received > now + Duration::minutes(5) {
        return Err(CoreError::validation(
            "recibido",
            "la fecha de recepción no puede ser posterior al registro",
        ));
    }
    Ok(received)
}

/// A requester's e-mail, when given, must look like one.
pub(crate) fn check_email(email: Option<String>) -> Result<Option<String>> {
    if let Some(e) = &email {
        if !is_valid_email(e) {
            return Err(CoreError::validation(
                "correo",
                format!("«{e}» no es una dirección de correo válida"),
            ));
        }
    }
    Ok(email)
}

/// The channel in its catalog spelling ([`CHANNELS`]); empty = «correo».
pub(crate) fn parse_channel(v: Option<&str>) -> Result<String> {
    let channel = clean_opt(v).unwrap_or_else(|| "correo".into());
    CHANNELS
        .iter()
        .find(|c| fold(c) == fold(&channel))
        .map(|c| c.to_string())
        .ok_or_else(|| {
            CoreError::validation(
                "canal",
                format!("«{channel}» no es un canal; use: {}", CHANNELS.join(", ")),
            )
        })
}

/// «interna» or «externa»; empty = «interna».
pub(crate) fn parse_origin(v: Option<&str>) -> Result<String> {
    let origin = clean_opt(v).unwrap_or_else(|| "interna".into());
    match fold(&origin).as_str() {
        "interna" | "interno" => Ok("interna".into()),
        "externa" | "externo" => Ok("externa".into()),
        _ => Err(CoreError::validation(
            "origen",
            format!("«{origin}» no es válido; use interna o externa"),
        )),
    }
}

/// Urgency and impact: 1 (baja), 2 (media) or 3 (alta).
pub(crate) fn check_scale(field: &str, v: i64) -> Result<i64> {
    if (1..=3).contains(&v) {
        Ok(v)
    } else {
        Err(CoreError::validation(
            field,
            "debe ser 1 (baja), 2 (media) o 3 (alta)",
        ))
    }
}

fn is_valid_email(s: &str) -> bool {
    let Some((user, host)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && !host.contains('@')
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

fn status_error(action: &str, status: TicketStatus) -> CoreError {
    CoreError::InvalidTransition {
        action: action.to_string(),
        status: status.label().to_string(),
    }
}

fn required(field: &str, v: &str) -> Result<String> {
    let v = clean(v);
    if v.is_empty() {
        Err(CoreError::validation(field, "es obligatorio"))
    } else {
        Ok(v)
    }
}

impl Store {
    /// Registers a new case with the next consecutive number of the registration year.
    pub fn create_ticket(
        &mut self,
        input: &NewTicket,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.authorize(crate::people::Permission::CaseRegister)?;
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let (id, number) = create_in(&tx, &cal, input, actor, now)?;
        crate::mail::outbox::case_registered(&tx, id, now)?;
        tx.commit()?;
        self.get_ticket(&number, now).map(|d| d.ticket)
    }

    fn load_raw(&self, number: &str) -> Result<Raw> {
        load_raw_in(&self.conn, number)
    }

    /// Marks overdue / due-soon on a case for the given `now`.
    fn flag(&self, t: &mut Ticket, now: DateTime<Utc>, due_soon_minutes: i64) {
        if !t.status.is_open() {
            return;
        }
        let mut deadlines = Vec::new();
        if t.first_response_at.is_none() {
            deadlines.extend(t.response_due_at.as_deref());
        }
        deadlines.extend(t.resolution_due_at.as_deref());
        for d in deadlines {
            let Ok(d) = chrono::DateTime::parse_from_rfc3339(d) else {
                continue;
            };
            let d = d.with_timezone(&Utc);
            if now > d {
                t.overdue = true;
            } else if self
                .calendar
                .business_minutes_between(to_local(now), to_local(d))
                <= due_soon_minutes
            {
                t.due_soon = true;
            }
        }
        if t.overdue {
            t.due_soon = false;
        }
    }

    pub fn get_ticket(&self, number: &str, now: DateTime<Utc>) -> Result<TicketDetail> {
        let raw = self.load_raw(number)?;
        let soon = self.setting_i64("due_soon_minutes", 120)?;
        let mut ticket = raw.ticket;
        self.flag(&mut ticket, now, soon);
        ticket.asset_tag =
            (ticket.asset_tag.take()).map(|t| crate::assets::shown_tag(&self.conn, &t));
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, actor, kind, field, old_value, new_value, note
             FROM ticket_events WHERE ticket_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([raw.id], |r| {
            Ok((
                r.get::<_, String>("at")?,
                TicketEvent {
                    at: String::new(),
                    actor: r.get("actor")?,
                    kind: r.get("kind")?,
                    field: r.get("field")?,
                    old_value: r.get("old_value")?,
                    new_value: r.get("new_value")?,
                    note: r.get("note")?,
                },
            ))
        })?;
        let mut events = Vec::new();
        for row in rows {
            let (at, mut e) = row?;
            e.at = to_rfc3339_local(from_db(&at)?);
            events.push(e);
        }
        let allowed_actions = crate::model::allowed_actions(&ticket);
        let editable = crate::model::can_work_on(&ticket);
        let follow_ups = work::follow_ups_of(&self.conn, raw.id)?;
        Ok(TicketDetail {
            ticket,
            events,
            allowed_actions,
            editable,
            follow_ups,
            attachments: crate::attachments::rows::list_for_ticket(&self.conn, raw.id)?,
            visit: crate::agenda::visit_of(&self.conn, raw.id)?,
            links: links::links_of(&self.conn, raw.id)?,
            mails: crate::mail::outbox::case_mails_of(&self.conn, raw.id)?,
        })
    }

    /// One page of the case list with filters, search and sort.
    /// The list's filters as SQL conditions over `tickets t` (with `{p}` marks, see
    /// `list_tickets`) and their named arguments. Also used by the case exports.
    #[allow(clippy::type_complexity)]
    pub(crate) fn ticket_filter(
        &self,
        q: &TicketQuery,
        now: DateTime<Utc>,
    ) -> Result<(Vec<String>, Vec<(String, crate::db::Value)>)> {
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<(String, crate::db::Value)> = Vec::new();
        let arg = |conds: &mut Vec<String>,
                   args: &mut Vec<(String, crate::db::Value)>,
                   cond: &str,
                   name: &str,
                   v: crate::db::Value| {
            conds.push(cond.to_string());
            args.push((name.to_string(), v));
        };
        use crate::db::Value as V;
        if let Some(s) = q.status {
            arg(
                &mut conds,
                &mut args,
                "{p}t.status = :status",
                ":status",
                V::Text(s.as_str().into()),
            );
        }
        if let Some(s) = clean_opt(q.service_type.as_deref()) {
            let s = catalog_spelling(&self.conn, "service_types", s)?;
            arg(
                &mut conds,
                &mut args,
                "{p}t.service_type = :stype",
                ":stype",
                V::Text(s),
            );
        }
        if let Some(s) = clean_opt(q.department.as_deref()) {
            let s = catalog_spelling(&self.conn, "departments", s)?;
            arg(
                &mut conds,
                &mut args,
                "{p}t.department = :dep",
                ":dep",
                V::Text(s),
            );
        }
        if let Some(s) = clean_opt(q.assignee.as_deref()) {
            let s = catalog_spelling(&self.conn, "staff", s)?;
            arg(
                &mut conds,
                &mut args,
                "{p}t.assignee = :asg",
                ":asg",
                V::Text(s),
            );
        }
        if let Some(l) = q.level {
            arg(
                &mut conds,
                &mut args,
                "{p}t.level = :level",
                ":level",
                V::Integer(l),
            );
        }
        if let Some(from) = clean_opt(q.from.as_deref()) {
            let t = parse_time_input("desde", &from)?;
            arg(
                &mut conds,
                &mut args,
                "t.received_at >= :from",
                ":from",
                V::Text(to_db(t)),
            );
        }
        if let Some(to) = clean_opt(q.to.as_deref()) {
            let t = parse_time_input("hasta", &to)?;
            // a date alone means the whole day
            let end = if to.len() == 10 {
                t + Duration::days(1)
            } else {
                t + Duration::seconds(1)
            };
            arg(
                &mut conds,
                &mut args,
                "t.received_at < :to",
                ":to",
                V::Text(to_db(end)),
            );
        }
        let now_s = to_db(now);
        if let Some(true) = q.overdue {
            conds.push(OVERDUE_SQL.to_string());
        }
        if let Some(true) = q.open {
            conds.push(format!("t.status IN {OPEN_STATUSES}"));
        }
        if let Some(true) = q.due_today {
            conds.push(DUE_TODAY_SQL.to_string());
            args.push((":eod".into(), V::Text(to_db(end_of_local_day(now)))));
        }
        if q.overdue == Some(true) || q.due_today == Some(true) {
            args.push((":now".into(), V::Text(now_s.clone())));
        }
        if let Some((lo, hi)) = q.search.as_deref().and_then(number_range) {
            // A case number or its prefix ("MA-2026", "MA-2026-0042"): the number index.
            conds.push("{p}t.number >= :nlo AND {p}t.number < :nhi".into());
            args.push((":nlo".into(), V::Text(lo)));
            args.push((":nhi".into(), V::Text(hi)));
        } else if let Some(words) = q.search.as_deref().and_then(search_words) {
            // Every word a prefix, all must match, accents and case ignored. SQLite: the FTS5
            // table (`"word"*` terms); PostgreSQL: the GIN-indexed `ticket_search` documents
            // (`mesa_fts_doc(…)`) queried with `mesa_fts_query` (the same words as `:*` prefixes).
            let (cond, q) = match self.conn.engine() {
                Engine::Sqlite => (
                    "{p}t.id IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH :q)",
                    fts_query(&words),
                ),
                Engine::Postgres => (PG_FTS_COND, words.join(" ")),
            };
            arg(&mut conds, &mut args, cond, ":q", V::Text(q));
        }
        Ok((conds, args))
    }

    pub fn list_tickets(&self, q: &TicketQuery, now: DateTime<Utc>) -> Result<TicketPage> {
        let (conds, args) = self.ticket_filter(q, now)?;
        // `{p}` marks filter columns: "+" stops SQLite from using their index, which is the
        // right plan when the filter keeps many rows (walk the sort index instead).
        let where_with = |p: &str| {
            if conds.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", conds.join(" AND ").replace("{p}", p))
            }
        };
        let where_sql = where_with("");
        let dir = if q.desc { "DESC" } else { "ASC" };
        let sort_key = q.sort.as_deref().unwrap_or("received_at");
        let order = SORTS
            .iter()
            .find(|(k, _)| *k == sort_key)
            .map(|(_, s)| s.replace("{d}", dir))
            .ok_or_else(|| {
                CoreError::validation("orden", format!("no se puede ordenar por «{sort_key}»"))
            })?;
        let limit = q.limit.clamp(1, 10_000);
        let offset = q.offset.max(0);
        let named: Vec<(&str, &dyn crate::db::ToSqlValue)> = args
            .iter()
            .map(|(n, v)| (n.as_str(), v as &dyn crate::db::ToSqlValue))
            .collect();
        // With full-text search as the only filter, the FTS index counts by itself.
        // With only status and/or dependencia filters, the maintained counts answer.
        let names: Vec<&str> = args.iter().map(|(n, _)| n.as_str()).collect();
        let engine = self.conn.engine();
        let count_sql = if conds.len() == 1 && names == [":q"] {
            match engine {
                Engine::Sqlite => "SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH :q",
                Engine::Postgres => {
                    "SELECT count(*) FROM ticket_search WHERE doc @@ mesa_fts_query(:q)"
                }
            }
            .to_string()
        } else if conds.len() == names.len()
            && names.iter().all(|n| *n == ":status" || *n == ":dep")
        {
            let mut w = vec!["1 = 1"];
            if names.contains(&":status") {
                w.push("status = :status");
            }
            if names.contains(&":dep") {
                w.push("department = :dep");
            }
            format!(
                "SELECT coalesce(sum(n), 0) FROM ticket_counts WHERE {}",
                w.join(" AND ")
            )
        } else {
            format!("SELECT count(*) FROM tickets t {where_sql}")
        };
        let total: i64 = self
            .conn
            .prepare_cached(&count_sql)?
            .query_row(named.as_slice(), |r| r.get(0))?;
        // Phase 1: only ids, so sorting and skipping touch indexes and small records. When
        // the filters keep many rows, walking the sort index beats sorting them all.
        // Walking the sort index costs about (offset + limit) × rows / total row visits;
        // using the filter's index costs about `total` visits plus a sort.
        let rows_in_table: i64 =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM tickets", [], |r| r.get(0))?;
        let walk = total > SELECTIVE_ROWS
            && (total as f64) * (total as f64) > ((offset + limit) as f64) * (rows_in_table as f64);
        // `+column` is SQLite's way to keep an index out of the plan (PostgreSQL's planner
        // weighs both with its statistics and refuses unary plus on text).
        let id_where = if walk && engine == Engine::Sqlite {
            where_with("+")
        } else {
            where_sql.clone()
        };
        let id_sql = format!(
            "SELECT t.id FROM tickets t {id_where} ORDER BY {order}, t.id {dir} LIMIT {limit} OFFSET {offset}"
        );
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(&id_sql)?
            .query_map(named.as_slice(), |r| r.get(0))?
            .collect::<crate::error::Result<_>>()?;
        // Phase 2: the page's rows, then back in phase-1 order. One statement text per page
        // size (`limit` parameters, the unused ones 0, never an id), so it stays prepared: a
        // text per page made PostgreSQL parse and plan each page anew and flushed the
        // connection's statement cache.
        let mut rows: Vec<TicketRow> = if ids.is_empty() {
            Vec::new()
        } else {
            let marks = (1..=limit).map(|i| format!("?{i}")).collect::<Vec<_>>();
            let padded = ids
                .iter()
                .copied()
                .chain(std::iter::repeat(0))
                .take(limit as usize);
            self.conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM {FROM} WHERE t.id IN ({})",
                    marks.join(",")
                ))?
                .query_map(crate::db::params_from_iter(padded), TicketRow::from_row)?
                .collect::<crate::error::Result<_>>()?
        };
        let pos: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        rows.sort_by_key(|r| pos.get(&r.id).copied().unwrap_or(usize::MAX));
        let soon = self.setting_i64("due_soon_minutes", 120)?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let mut t = build(row)?.ticket;
            self.flag(&mut t, now, soon);
            items.push(t);
        }
        Ok(TicketPage { total, items })
    }

    /// Applies one lifecycle action, recording every change in the timeline. Acts on the case
    /// as it is now; a screen that showed the case uses [`Store::apply_action_if_unchanged`].
    pub fn apply_action(
        &mut self,
        number: &str,
        action: &TicketAction,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.apply_action_checked(number, action, None, actor, now)
    }

    /// [`Store::apply_action`] on the case as the caller read it: `seen` is the
    /// [`Ticket::version`] the caller showed. When the case changed since (another user,
    /// another workstation), nothing is written and the error `conflicto_edicion` says who
    /// changed it and when (never a silent overwrite).
    pub fn apply_action_if_unchanged(
        &mut self,
        number: &str,
        action: &TicketAction,
        seen: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.apply_action_checked(number, action, Some(seen), actor, now)
    }

    fn apply_action_checked(
        &mut self,
        number: &str,
        action: &TicketAction,
        seen: Option<i64>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.authorize_case(number)?;
        if let TicketAction::Verify { confirmation } = action {
            self.check_verification_by_resolver(number, confirmation.as_deref())?;
        }
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        if let Some(seen) = seen {
            ensure_unchanged(&tx, number, seen)?;
        }
        let number = apply_in(&tx, &cal, number, action, actor, now)?;
        tx.commit()?;
        self.get_ticket(&number, now).map(|d| d.ticket)
    }

    /// Closes every resolved case whose survey went unanswered past its due time. Returns the
    /// numbers closed. Closing time is the survey due time (when it became due), not the sweep.
    ///
    /// First, resolved cases whose notice will never be sent (mail off, notice failed for
    /// good) get their survey window started now (`mail::outbox::start_stalled_survey_windows`):
    /// no case waits for a survey forever.
    ///
    /// One workstation at a time: on PostgreSQL the sweep runs only when this connection gets
    /// the sweep's advisory lock ([`crate::db::sweep::AUTOCLOSE_LOCK`]); when another
    /// workstation is sweeping, this one skips the round (an empty list).
    pub fn autoclose(&mut self, now: DateTime<Utc>) -> Result<Vec<String>> {
        use crate::db::sweep;
        if !sweep::try_acquire(&self.conn, sweep::AUTOCLOSE_LOCK)? {
            return Ok(vec![]);
        }
        let out = self.autoclose_holding_lock(now);
        let released = sweep::release(&self.conn, sweep::AUTOCLOSE_LOCK);
        let closed = out?;
        released?;
        Ok(closed)
    }

    fn autoclose_holding_lock(&mut self, now: DateTime<Utc>) -> Result<Vec<String>> {
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, "sistema", now)?;
        crate::mail::outbox::start_stalled_survey_windows(&tx, &cal, now)?;
        let due: Vec<(i64, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT t.id, t.number, t.survey_due_at FROM tickets t
                 WHERE t.status = 'resolved' AND t.survey_due_at IS NOT NULL AND t.survey_due_at <= ?1
                   AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.ticket_id = t.id)",
            )?;
            let rows = stmt.query_map([to_db(now)], |r| {
                Ok((r.get("id")?, r.get("number")?, r.get("survey_due_at")?))
            })?;
            rows.collect::<crate::error::Result<_>>()?
        };
        for (id, _, due_at) in &due {
            tx.execute(
                "UPDATE tickets SET status = 'closed', closed_at = ?2, close_reason = 'auto' WHERE id = ?1",
                params![id, due_at],
            )?;
            add_event(
                &tx,
                *id,
                due_at,
                "sistema",
                "autoclose",
                Some("status"),
                Some("resolved"),
                Some("closed"),
                Some("cierre automático: encuesta sin respuesta en el plazo"),
            )?;
            crate::mail::outbox::case_autoclosed(&tx, *id, now)?;
        }
        tx.commit()?;
        Ok(due.into_iter().map(|(_, n, _)| n).collect())
    }

    /// Recomputes the stored deadlines of every case (after a calendar change). One transaction.
    pub fn recompute_all_deadlines(&mut self) -> Result<usize> {
        let cal = self.calendar.clone();
        let tx = crate::store::session_write_tx(&mut self.conn, &self.audit)?;
        let mut pauses: HashMap<i64, Vec<(NaiveDateTime, Option<NaiveDateTime>)>> = HashMap::new();
        {
            let mut stmt =
                tx.prepare("SELECT ticket_id, started_at, ended_at FROM ticket_pauses")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let s: String = r.get("started_at")?;
                let e: Option<String> = r.get("ended_at")?;
                pauses.entry(r.get("ticket_id")?).or_default().push((
                    to_local(from_db(&s)?),
                    e.map(|e| from_db(&e).map(to_local)).transpose()?,
                ));
            }
        }
        let mut n = 0;
        {
            let mut read = tx.prepare(
                "SELECT id, received_at, response_minutes, resolution_minutes, response_due_at,
                        resolution_due_at FROM tickets
                 WHERE received_at IS NOT NULL AND received_date_only = 0",
            )?;
            let mut write = tx.prepare(
                "UPDATE tickets SET response_due_at = ?2, resolution_due_at = ?3 WHERE id = ?1",
            )?;
            let mut rows = read.query([])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get("id")?;
                let received: String = r.get("received_at")?;
                let sla = SlaInput {
                    received: Some(from_db(&received)?),
                    response_minutes: r.get("response_minutes")?,
                    resolution_minutes: r.get("resolution_minutes")?,
                    pauses: pauses.remove(&id).unwrap_or_default(),
                };
                let (a, b) = deadlines(&cal, &sla);
                let (a, b) = (a.map(to_db), b.map(to_db));
                // Only real changes are written (and so audited).
                if (
                    r.get::<_, Option<String>>("response_due_at")?,
                    r.get::<_, Option<String>>("resolution_due_at")?,
                ) != (a.clone(), b.clone())
                {
                    write.execute(params![id, a, b])?;
                }
                n += 1;
            }
        }
        // The survey window is counted in business days of the same calendar. Imported cases
        // never start a survey (they were resolved in the old system).
        let days = get_setting_i64(&tx, "survey_business_days", 2)?.max(0) as u32;
        // With a resolved notice queued by mail, the window starts at its acceptance by the
        // SMTP server (none yet: no due time).
        // (id, resolved_at, survey_due_at, Some(accepted_at) when a notice was queued)
        type Resolved = (i64, String, Option<String>, Option<Option<String>>);
        let resolved: Vec<Resolved> = tx
            .prepare(
                "SELECT t.id, t.resolved_at, t.survey_due_at,
                        (SELECT count(*) FROM mail_outbox o WHERE o.ticket_id = t.id
                           AND o.kind = 'resuelto' AND o.created_at >= t.resolved_at) AS notices,
                        (SELECT max(o.accepted_at) FROM mail_outbox o WHERE o.ticket_id = t.id
                           AND o.kind = 'resuelto' AND o.created_at >= t.resolved_at) AS accepted
                 FROM tickets t
                 WHERE t.status = 'resolved' AND t.resolved_at IS NOT NULL AND t.import_batch IS NULL",
            )?
            .query_map([], |r| {
                let notices: i64 = r.get("notices")?;
                let accepted: Option<String> = r.get("accepted")?;
                Ok((
                    r.get("id")?,
                    r.get("resolved_at")?,
                    r.get("survey_due_at")?,
                    (notices > 0).then_some(accepted),
                ))
            })?
            .collect::<crate::error::Result<_>>()?;
        for (id, resolved_at, old, notice) in resolved {
            let start = match notice {
                None => resolved_at,
                Some(Some(accepted)) => accepted,
                Some(None) => continue,
            };
            let due = from_local(cal.add_business_days(to_local(from_db(&start)?), days));
            if old.as_deref() == Some(to_db(due).as_str()) {
                continue;
            }
            tx.execute(
                "UPDATE tickets SET survey_due_at = ?2 WHERE id = ?1",
                params![id, to_db(due)],
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    pub fn dashboard(&self, now: DateTime<Utc>) -> Result<Dashboard> {
        let now_s = to_db(now);
        let end_of_day = end_of_local_day(now);
        let c = &self.conn;
        let open: i64 = c.query_row(
            "SELECT count(*) FROM tickets WHERE status IN ('new','assigned','in_progress','on_hold')",
            [],
            |r| r.get(0),
        )?;
        let overdue: i64 = c.query_row(
            &format!("SELECT count(*) FROM tickets t WHERE {OVERDUE_SQL}"),
            crate::named_params! {":now": now_s},
            |r| r.get(0),
        )?;
        let due_today: i64 = c.query_row(
            &format!("SELECT count(*) FROM tickets t WHERE {DUE_TODAY_SQL}"),
            crate::named_params! {":now": now_s, ":eod": to_db(end_of_day)},
            |r| r.get(0),
        )?;
        let awaiting_survey: i64 = c.query_row(
            "SELECT count(*) FROM tickets WHERE status = 'resolved'",
            [],
            |r| r.get(0),
        )?;
        let mut stmt = c.prepare_cached(&format!(
            "SELECT coalesce(t.assignee, '') AS assignee, count(*) AS open,
                    sum(CASE WHEN {OVERDUE_SQL} THEN 1 ELSE 0 END) AS overdue
             FROM tickets t
             WHERE t.status IN ('new','assigned','in_progress','on_hold')
             GROUP BY 1 ORDER BY 2 DESC"
        ))?;
        let by_assignee = stmt
            .query_map(crate::named_params! {":now": now_s}, |r| {
                Ok(AssigneeCount {
                    assignee: r.get("assignee")?,
                    open: r.get("open")?,
                    overdue: r.get::<_, Option<i64>>("overdue")?.unwrap_or(0),
                })
            })?
            .collect::<crate::error::Result<_>>()?;
        let mut stmt = c.prepare_cached(
            "SELECT coalesce(service_type, '') AS service_type, count(*) AS count FROM tickets
             WHERE status IN ('new','assigned','in_progress','on_hold')
             GROUP BY 1 ORDER BY 2 DESC",
        )?;
        let by_type = stmt
            .query_map([], |r| {
                Ok(TypeCount {
                    service_type: r.get("service_type")?,
                    count: r.get("count")?,
                })
            })?
            .collect::<crate::error::Result<_>>()?;
        Ok(Dashboard {
            open,
            overdue,
            due_today,
            awaiting_survey,
            by_assignee,
            by_type,
        })
    }

    /// A `mailto:` URL with the survey, so the technician sends it from the usual mail client.
    pub fn survey_mailto(&self, number: &str) -> Result<String> {
        let raw = self.load_raw(number)?;
        let t = raw.ticket;
        let email = t.email.clone().ok_or_else(|| {
            CoreError::validation("correo", "el caso no tiene correo del solicitante")
        })?;
        let questions = self.catalogs()?.survey_questions;
        let entity = self.setting("entity_name")?.unwrap_or_default();
        let mut body = format!(
            "Cordial saludo, {}.\n\nSu solicitud {} fue atendida.\nProblema reportado: {}\nSolución: {}\n\n\
             Por favor califique de 1 (muy malo) a 5 (excelente) y responda este correo:\n",
            t.requester,
            t.number,
            t.description,
            t.solution.as_deref().unwrap_or("")
        );
        for (i, q) in questions.iter().enumerate() {
            body.push_str(&format!("{}. {q}: __\n", i + 1));
        }
        let days = self.setting_i64("survey_business_days", 2)?;
        body.push_str(&format!(
            "Comentarios: \n\nSi no recibimos respuesta en {days} días hábiles, el caso se cerrará automáticamente.\n\n"
        ));
        body.push_str(&format!("Mesa de Ayuda TI\n{entity}\n"));
        let subject = format!("Encuesta de satisfacción — caso {}", t.number);
        let _ = raw.id;
        let _ = raw.received_utc;
        Ok(format!(
            "mailto:{}?subject={}&body={}",
            percent_encode(&email),
            percent_encode(&subject),
            percent_encode(&body)
        ))
    }

    pub fn catalogs(&self) -> Result<Catalogs> {
        let c = &self.conn;
        let departments = c
            .prepare_cached("SELECT name FROM departments WHERE active = 1 ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<crate::error::Result<_>>()?;
        let service_types = c
            .prepare_cached(&format!(
                "SELECT {SERVICE_TYPE_COLUMNS} FROM service_types WHERE active = 1 ORDER BY id"
            ))?
            .query_map([], ServiceType::from_row)?
            .collect::<crate::error::Result<_>>()?;
        let staff = c
            .prepare_cached(&format!(
                "SELECT {STAFF_COLUMNS} FROM staff ORDER BY level, name"
            ))?
            .query_map([], StaffMember::from_row)?
            .collect::<crate::error::Result<_>>()?;
        let survey_questions = c
            .prepare_cached("SELECT text FROM survey_questions ORDER BY position")?
            .query_map([], |r| r.get(0))?
            .collect::<crate::error::Result<_>>()?;
        Ok(Catalogs {
            departments,
            service_types,
            staff,
            survey_questions,
            channels: CHANNELS.iter().map(|s| s.to_string()).collect(),
            asset_kinds: crate::assets::ASSET_KINDS.map(String::from).to_vec(),
            decommission_causes: crate::assets::DECOMMISSION_CAUSES
                .map(String::from)
                .to_vec(),
            infra_areas: crate::maintenance::INFRA_AREAS.map(String::from).to_vec(),
        })
    }

    /// Adds or updates a staff member.
    pub fn upsert_staff(&mut self, name: &str, role: &str, level: i64) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        let name = required("nombre", name)?;
        if !["tecnico", "ingeniero", "proveedor"].contains(&role) {
            return Err(CoreError::validation(
                "rol",
                "use tecnico, ingeniero o proveedor",
            ));
        }
        if !(1..=3).contains(&level) {
            return Err(CoreError::validation("nivel", "debe ser 1, 2 o 3"));
        }
        self.session_write(|tx| {
            tx.execute(
                "INSERT INTO staff(name, role, level) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET role = excluded.role, level = excluded.level, active = 1",
                params![name, role, level],
            )
        })?;
        Ok(())
    }

    /// Adds or updates a service type.
    pub fn upsert_service_type(&mut self, st: &ServiceType) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        let name = required("tipo de servicio", &st.name)?;
        if st.response_minutes <= 0 || st.resolution_minutes <= 0 {
            return Err(CoreError::validation(
                "tiempos",
                "deben ser mayores que cero",
            ));
        }
        if let Some(a) = &st.default_assignee {
            find_staff(&self.conn, a)?;
        }
        self.session_write(|tx| tx.execute(
            "INSERT INTO service_types(name, default_level, response_minutes, resolution_minutes, default_assignee)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(name) DO UPDATE SET default_level = excluded.default_level,
               response_minutes = excluded.response_minutes, resolution_minutes = excluded.resolution_minutes,
               default_assignee = excluded.default_assignee, active = 1",
            params![name, st.default_level, st.response_minutes, st.resolution_minutes, st.default_assignee],
        ))?;
        Ok(())
    }
}

/// A timeline event waiting to be written: kind, field, old value, new value, note.
type PendingEvent = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Pending column updates and timeline events of one action.
struct Changes {
    id: i64,
    at: String,
    actor: String,
    cols: Vec<(String, Option<String>)>,
    raws: Vec<String>,
    events: Vec<PendingEvent>,
}

impl Changes {
    fn new(id: i64, at: &str, actor: &str) -> Self {
        Changes {
            id,
            at: at.to_string(),
            actor: actor.to_string(),
            cols: vec![],
            raws: vec![],
            events: vec![],
        }
    }
    fn col(&mut self, name: &str, v: Option<String>) {
        self.cols.push((name.to_string(), v));
    }
    fn raw(&mut self, sql: &str) {
        self.raws.push(sql.to_string());
    }
    fn event(
        &mut self,
        kind: &str,
        field: Option<&str>,
        old: Option<String>,
        new: Option<String>,
        note: Option<String>,
    ) {
        self.events
            .push((kind.to_string(), field.map(str::to_string), old, new, note));
    }
    /// Column change that is also shown in the timeline.
    fn set(&mut self, field: &str, old: Option<String>, new: Option<String>) {
        self.event("update", Some(field), old, new.clone(), None);
        self.col(field, new);
    }
    fn status(&mut self, old: TicketStatus, new: TicketStatus, kind: &str, note: Option<String>) {
        self.event(
            kind,
            Some("status"),
            Some(old.as_str().into()),
            Some(new.as_str().into()),
            note,
        );
        self.col("status", Some(new.as_str().into()));
    }
    fn apply(self, tx: &Db) -> Result<()> {
        let mut sets: Vec<String> = self
            .cols
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = ?{}", i + 2))
            .collect();
        sets.extend(self.raws.iter().cloned());
        if !sets.is_empty() {
            let sql = format!("UPDATE tickets SET {} WHERE id = ?1", sets.join(", "));
            let mut values: Vec<&dyn crate::db::ToSqlValue> = vec![&self.id];
            for (_, v) in &self.cols {
                values.push(v);
            }
            tx.execute(&sql, values.as_slice())?;
        }
        for (kind, field, old, new, note) in &self.events {
            add_event(
                tx,
                self.id,
                &self.at,
                &self.actor,
                kind,
                field.as_deref(),
                old.as_deref(),
                new.as_deref(),
                note.as_deref(),
            )?;
        }
        Ok(())
    }
}

fn load_sla_input(conn: &crate::db::Db, id: i64) -> Result<SlaInput> {
    let (received, date_only, resp, resol): (Option<String>, i64, Option<i64>, Option<i64>) = conn
        .query_row(
            "SELECT received_at, received_date_only, response_minutes, resolution_minutes FROM tickets WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get("received_at")?,
                    r.get("received_date_only")?,
                    r.get("response_minutes")?,
                    r.get("resolution_minutes")?,
                ))
            },
        )?;
    let mut pauses = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT started_at, ended_at FROM ticket_pauses WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        let s: String = r.get("started_at")?;
        let e: Option<String> = r.get("ended_at")?;
        pauses.push((
            to_local(from_db(&s)?),
            e.map(|e| from_db(&e).map(to_local)).transpose()?,
        ));
    }
    Ok(SlaInput {
        received: if date_only == 1 {
            None
        } else {
            received.map(|r| from_db(&r)).transpose()?
        },
        response_minutes: resp,
        resolution_minutes: resol,
        pauses,
    })
}

/// The one case-number allocation (registration, demo data): the next consecutive of `year`,
/// inside the caller's write transaction (SQLite `BEGIN IMMEDIATE`; PostgreSQL the write
/// advisory lock, taken before any statement), so numbers have no gaps and no repeats with
/// concurrent writers on any workstation: the counter row rolls back with the case, which a
/// sequence would not. Returns the number and its consecutive.
pub(crate) fn allocate_number(
    tx: &crate::db::Db,
    prefix: &str,
    year: i32,
) -> Result<(String, i64)> {
    let seq: i64 = tx.query_row(
        // `ticket_counters.last`: PostgreSQL also sees `excluded.last` here.
        "INSERT INTO ticket_counters(year, last) VALUES (?1, 1)
         ON CONFLICT(year) DO UPDATE SET last = ticket_counters.last + 1 RETURNING last",
        [year],
        |r| r.get("last"),
    )?;
    Ok((format!("{prefix}-{year}-{seq:04}"), seq))
}

fn find_service_type(conn: &crate::db::Db, name: &str) -> Result<ServiceType> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SERVICE_TYPE_COLUMNS} FROM service_types WHERE active = 1"
    ))?;
    let all: Vec<ServiceType> = stmt
        .query_map([], ServiceType::from_row)?
        .collect::<crate::error::Result<_>>()?;
    let key = fold(name);
    all.into_iter()
        .find(|s| fold(&s.name) == key)
        .ok_or_else(|| CoreError::CatalogNotFound {
            what: "el tipo de servicio",
            name: name.to_string(),
        })
}

fn find_staff(conn: &crate::db::Db, name: &str) -> Result<StaffMember> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STAFF_COLUMNS} FROM staff WHERE active = 1"
    ))?;
    let all: Vec<StaffMember> = stmt
        .query_map([], StaffMember::from_row)?
        .collect::<crate::error::Result<_>>()?;
    let key = fold(name);
    all.into_iter()
        .find(|s| fold(&s.name) == key)
        .ok_or_else(|| CoreError::CatalogNotFound {
            what: "el funcionario",
            name: name.trim().to_string(),
        })
}

/// SLA targets configured for (service type, level), or for any type at that level.
fn level_targets(
    conn: &crate::db::Db,
    service_type: Option<&str>,
    level: i64,
) -> Result<Option<(i64, i64)>> {
    conn.query_row(
        "SELECT response_minutes, resolution_minutes FROM sla_level_targets
             WHERE level = ?2 AND service_type IN (?1, '')
             ORDER BY service_type = '' LIMIT 1",
        params![service_type.unwrap_or(""), level],
        |r| Ok((r.get("response_minutes")?, r.get("resolution_minutes")?)),
    )
    .optional()
}

/// The catalog spelling of `name` in `table` (matched ignoring case and accents), or `name`.
fn catalog_spelling(conn: &crate::db::Db, table: &str, name: String) -> Result<String> {
    let key = fold(&name);
    let mut stmt = conn.prepare_cached(&format!("SELECT name FROM {table}"))?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for n in names {
        let n = n?;
        if fold(&n) == key {
            return Ok(n);
        }
    }
    Ok(name)
}

/// Returns the catalog spelling of a department, adding it to the catalog when new.
fn ensure_department(conn: &crate::db::Db, name: &str) -> Result<String> {
    let key = fold(name);
    let mut stmt = conn.prepare_cached("SELECT name FROM departments")?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<crate::error::Result<_>>()?;
    if let Some(n) = names.into_iter().find(|n| fold(n) == key) {
        return Ok(n);
    }
    conn.execute("INSERT INTO departments(name) VALUES (?1)", [name])?;
    Ok(name.to_string())
}

/// `MA-2026` or `ma-2026-0042` → the range of case numbers starting with it.
fn number_range(text: &str) -> Option<(String, String)> {
    let t = text.trim().to_uppercase();
    let mut parts = t.split('-');
    let prefix = parts.next()?;
    let year = parts.next()?;
    let rest = parts.next();
    let ok = !prefix.is_empty()
        && prefix.len() <= 10
        && prefix.chars().all(|c| c.is_ascii_alphanumeric())
        && year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && rest.is_none_or(|r| r.chars().all(|c| c.is_ascii_digit()))
        && parts.next().is_none();
    ok.then(|| {
        let hi = format!("{t}\u{10FFFF}");
        (t, hi)
    })
}

/// The words of a search (split on anything not a letter or a digit, like FTS5's unicode61
/// tokenizer); None when there is none.
fn search_words(text: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then_some(words)
}

/// A safe FTS5 query: every word becomes a quoted prefix term (all must match).
fn fts_query(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The full-text condition on PostgreSQL: the GIN-indexed `ticket_search` documents
/// (`migrations/pg/0007_search_table.sql`).
const PG_FTS_COND: &str =
    "{p}t.id IN (SELECT ticket_id FROM ticket_search WHERE doc @@ mesa_fts_query(:q))";

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Registers a new case inside the caller's write transaction (the rule of
/// [`Store::create_ticket`], reused by mail registration): validation, number, deadlines, the
/// timeline (the caller queues the acknowledgment, `mail::outbox::case_registered`, once the
/// case is complete). Returns (row id, number).
pub(crate) fn create_in(
    tx: &Db,
    cal: &BusinessCalendar,
    input: &NewTicket,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(i64, String)> {
    let requester = required("solicitante", &input.requester)?;
    let department_in = required("dependencia", &input.department)?;
    let description = input.description.trim().to_string();
    if description.is_empty() {
        return Err(CoreError::validation("descripción", "es obligatoria"));
    }
    let received = match input.received_at.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => parse_received(s, now)?,
        _ => now,
    };
    let email = check_email(clean_opt(input.email.as_deref()))?;
    let channel = parse_channel(input.channel.as_deref())?;
    let origin = parse_origin(input.origin.as_deref())?;
    let urgency = check_scale("urgencia", input.urgency.unwrap_or(2))?;
    let impact = check_scale("impacto", input.impact.unwrap_or(2))?;

    let stype = match clean_opt(input.service_type.as_deref()) {
        Some(name) => Some(find_service_type(tx, &name)?),
        None => None,
    };
    let department = ensure_department(tx, &department_in)?;
    let priority: String = tx.query_row(
        "SELECT priority FROM priority_matrix WHERE urgency = ?1 AND impact = ?2",
        [urgency, impact],
        |r| r.get(0),
    )?;
    let default_response = get_setting_i64(tx, "default_response_minutes", 720)?;
    let default_resolution = get_setting_i64(tx, "default_resolution_minutes", 2880)?;
    let (level, response_minutes, resolution_minutes, assignee) = match &stype {
        Some(st) => (
            st.default_level,
            st.response_minutes,
            st.resolution_minutes,
            st.default_assignee.clone(),
        ),
        None => (1, default_response, default_resolution, None),
    };
    let (response_minutes, resolution_minutes) =
        level_targets(tx, stype.as_ref().map(|s| s.name.as_str()), level)?
            .unwrap_or((response_minutes, resolution_minutes));
    let status = if assignee.is_some() {
        TicketStatus::Assigned
    } else {
        TicketStatus::New
    };
    let year = to_local(now).year();
    let prefix = get_setting(tx, "ticket_prefix")?.unwrap_or_else(|| "MA".into());
    let (number, seq) = allocate_number(tx, &prefix, year)?;
    let sla = SlaInput {
        received: Some(received),
        response_minutes: Some(response_minutes),
        resolution_minutes: Some(resolution_minutes),
        pauses: vec![],
    };
    let (resp_due, resol_due) = deadlines(cal, &sla);
    let id: i64 = tx.query_row(
        "INSERT INTO tickets(number, year, seq, received_at, registered_at, requester, department,
            location, phone, email, channel, origin, service_type, level, urgency, impact, priority,
            assignee, status, response_minutes, resolution_minutes, response_due_at,
            resolution_due_at, description, asset_tag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) RETURNING id",
        params![
            number,
            year,
            seq,
            to_db(received),
            to_db(now),
            requester,
            department,
            clean_opt(input.location.as_deref()),
            clean_opt(input.phone.as_deref()),
            email,
            channel,
            origin,
            stype.as_ref().map(|s| s.name.clone()),
            level,
            urgency,
            impact,
            priority,
            assignee,
            status.as_str(),
            response_minutes,
            resolution_minutes,
            resp_due.map(to_db),
            resol_due.map(to_db),
            description,
            clean_opt(input.asset_tag.as_deref()),
        ],
        |r| r.get("id"),
    )?;
    let at = to_db(now);
    add_event(
        tx,
        id,
        &at,
        actor,
        "create",
        None,
        None,
        Some(&number),
        None,
    )?;
    if let Some(a) = &assignee {
        add_event(
            tx,
            id,
            &at,
            actor,
            "assign",
            Some("assignee"),
            None,
            Some(a),
            Some("asignación automática según el tipo de servicio"),
        )?;
    }
    Ok((id, number))
}

/// One lifecycle action inside the caller's write transaction (the rule of
/// [`Store::apply_action`], reusable by writes that act on several cases in one transaction).
/// Returns the case number.
pub(crate) fn apply_in(
    tx: &Db,
    cal: &BusinessCalendar,
    number: &str,
    action: &TicketAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    // Read the case inside the write transaction: another writer cannot change it between
    // the status check and the update.
    let raw = load_raw_in(tx, number)?;
    let id = raw.id;
    let t = raw.ticket;
    let st = t.status;
    let at = to_db(now);
    let mut changes = Changes::new(id, &at, actor);
    let first_response = |c: &mut Changes| {
        if t.first_response_at.is_none() {
            c.col("first_response_at", Some(at.clone()));
            c.event(
                "first_response",
                Some("first_response_at"),
                None,
                Some(to_rfc3339_local(now)),
                None,
            );
        }
    };
    let mut recompute = false;
    match action {
        TicketAction::Assign { to } => {
            if !action_allowed(&t, ActionKind::Assign) {
                return Err(status_error("asignar", st));
            }
            let staff = find_staff(tx, to)?;
            changes.event(
                "assign",
                Some("assignee"),
                t.assignee.clone(),
                Some(staff.name.clone()),
                None,
            );
            changes.col("assignee", Some(staff.name));
            if st == TicketStatus::New {
                changes.status(st, TicketStatus::Assigned, "assign", None);
            }
        }
        TicketAction::Start => {
            if !action_allowed(&t, ActionKind::Start) {
                return Err(status_error("iniciar", st));
            }
            if t.assignee.is_none() {
                if let Ok(s) = find_staff(tx, actor) {
                    changes.event("assign", Some("assignee"), None, Some(s.name.clone()), None);
                    changes.col("assignee", Some(s.name));
                }
            }
            first_response(&mut changes);
            changes.status(st, TicketStatus::InProgress, "start", None);
        }
        TicketAction::Hold { reason } => {
            let reason = required("motivo", reason)?;
            if !action_allowed(&t, ActionKind::Hold) {
                return Err(status_error("poner en espera", st));
            }
            first_response(&mut changes);
            tx.execute(
                "INSERT INTO ticket_pauses(ticket_id, started_at, reason) VALUES (?1, ?2, ?3)",
                params![id, at, reason],
            )?;
            changes.status(st, TicketStatus::OnHold, "hold", Some(reason));
            recompute = true;
        }
        TicketAction::Resume => {
            if !action_allowed(&t, ActionKind::Resume) {
                return Err(status_error("reanudar", st));
            }
            tx.execute(
                "UPDATE ticket_pauses SET ended_at = ?2 WHERE ticket_id = ?1 AND ended_at IS NULL",
                params![id, at],
            )?;
            changes.status(st, TicketStatus::InProgress, "resume", None);
            recompute = true;
        }
        TicketAction::Escalate { to, reason } => {
            let reason = required("motivo", reason)?;
            if !action_allowed(&t, ActionKind::Escalate) {
                return Err(status_error("escalar", st));
            }
            let staff = find_staff(tx, to)?;
            if staff.level < t.level {
                return Err(CoreError::validation(
                        "escalar a",
                        format!(
                            "{} es de nivel {} y el caso ya está en nivel {}; escale a un nivel igual o superior",
                            staff.name, staff.level, t.level
                        ),
                    ));
            }
            changes.event(
                "escalate",
                Some("level"),
                Some(t.level.to_string()),
                Some(staff.level.to_string()),
                Some(format!(
                    "{} → {}: {reason}",
                    t.assignee.as_deref().unwrap_or("sin asignar"),
                    staff.name
                )),
            );
            changes.col("level", Some(staff.level.to_string()));
            changes.event(
                "assign",
                Some("assignee"),
                t.assignee.clone(),
                Some(staff.name.clone()),
                None,
            );
            changes.col("assignee", Some(staff.name));
            changes.raw("escalation_count = escalation_count + 1");
            // The new level may have its own targets: the clocks keep running from
            // `received_at`, against the targets of the level the case is now in.
            if let Some((r, s)) = level_targets(tx, t.service_type.as_deref(), staff.level)? {
                changes.col("response_minutes", Some(r.to_string()));
                changes.col("resolution_minutes", Some(s.to_string()));
                recompute = true;
            }
            if st == TicketStatus::New {
                changes.status(st, TicketStatus::Assigned, "escalate", None);
            }
        }
        TicketAction::Resolve {
            solution,
            products,
            time_spent_minutes,
        } => {
            let solution = solution.trim().to_string();
            if solution.is_empty() {
                return Err(CoreError::validation("solución", "es obligatoria"));
            }
            if !action_allowed(&t, ActionKind::Resolve) {
                return Err(status_error("solucionar", st));
            }
            if let Some(m) = time_spent_minutes {
                if *m < 0 {
                    return Err(CoreError::validation(
                        "tiempo empleado",
                        "no puede ser negativo",
                    ));
                }
            }
            // Resolving from «Nuevo» or «Asignado» (a quick fix over the phone): the resolver is
            // the assignee when there was none, and the first attention is now when there was
            // none; from «En espera», the pause ends now.
            if t.assignee.is_none() {
                if let Ok(s) = find_staff(tx, actor) {
                    changes.event("assign", Some("assignee"), None, Some(s.name.clone()), None);
                    changes.col("assignee", Some(s.name));
                }
            }
            if st == TicketStatus::OnHold {
                tx.execute(
                    "UPDATE ticket_pauses SET ended_at = ?2 WHERE ticket_id = ?1 AND ended_at IS NULL",
                    params![id, at],
                )?;
                recompute = true;
            }
            first_response(&mut changes);
            let days = get_setting_i64(tx, "survey_business_days", 2)?;
            let survey_due = from_local(cal.add_business_days(to_local(now), days.max(0) as u32));
            changes.set("solution", t.solution.clone(), Some(solution.clone()));
            if let Some(p) = clean_opt(products.as_deref()) {
                changes.set("products", None, Some(p));
            }
            if let Some(m) = time_spent_minutes {
                changes.col("time_spent_minutes", Some(m.to_string()));
            }
            changes.col("resolved_at", Some(at.clone()));
            changes.col("survey_due_at", Some(to_db(survey_due)));
            changes.status(st, TicketStatus::Resolved, "resolve", None);
        }
        TicketAction::Verify { confirmation } => {
            if !action_allowed(&t, ActionKind::Verify) {
                return Err(status_error("verificar", st));
            }
            changes.col("closed_at", Some(at.clone()));
            changes.col("close_reason", Some("verified".into()));
            let note = match clean_opt(confirmation.as_deref()) {
                Some(c) => format!("el solicitante verificó la solución (confirmado: {c})"),
                None => "el solicitante verificó la solución".into(),
            };
            changes.status(st, TicketStatus::Closed, "verify", Some(note));
        }
        TicketAction::Reject { reason } => {
            let reason = required("motivo", reason)?;
            if !action_allowed(&t, ActionKind::Reject) {
                return Err(status_error("rechazar la solución de", st));
            }
            changes.col("resolved_at", None);
            changes.col("survey_due_at", None);
            changes.raw("reopen_count = reopen_count + 1");
            changes.status(st, TicketStatus::InProgress, "reopen", Some(reason));
        }
        TicketAction::Cancel { reason } => {
            let reason = required("motivo", reason)?;
            if !action_allowed(&t, ActionKind::Cancel) {
                return Err(status_error("anular", st));
            }
            tx.execute(
                "UPDATE ticket_pauses SET ended_at = ?2 WHERE ticket_id = ?1 AND ended_at IS NULL",
                params![id, at],
            )?;
            changes.col("cancel_reason", Some(reason.clone()));
            changes.status(st, TicketStatus::Cancelled, "cancel", Some(reason));
        }
        TicketAction::Survey { scores, comment } => {
            if !action_allowed(&t, ActionKind::Survey) {
                return Err(status_error("registrar la encuesta de", st));
            }
            let n_questions: i64 =
                tx.query_row("SELECT count(*) FROM survey_questions", [], |r| r.get(0))?;
            if scores.len() as i64 != n_questions {
                return Err(CoreError::validation(
                    "encuesta",
                    format!(
                        "se esperaban {n_questions} calificaciones y llegaron {}",
                        scores.len()
                    ),
                ));
            }
            if let Some(bad) = scores.iter().find(|s| !(1..=5).contains(*s)) {
                return Err(CoreError::validation(
                    "encuesta",
                    format!("la calificación {bad} no está entre 1 y 5"),
                ));
            }
            let comment = clean_opt(comment.as_deref());
            tx.execute(
                    "INSERT INTO surveys(ticket_id, answered_at, scores, comment) VALUES (?1, ?2, ?3, ?4)",
                    params![id, at, serde_json::to_string(scores)?, comment],
                )?;
            changes.event(
                "survey",
                None,
                None,
                Some(
                    scores
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                comment,
            );
            if st == TicketStatus::Resolved {
                changes.col("closed_at", Some(at.clone()));
                changes.col("close_reason", Some("survey".into()));
                changes.status(
                    st,
                    TicketStatus::Closed,
                    "close",
                    Some("encuesta de satisfacción respondida".into()),
                );
            }
        }
    }
    changes.apply(tx)?;
    if recompute {
        let sla = load_sla_input(tx, id)?;
        let (r, s) = deadlines(cal, &sla);
        tx.execute(
            "UPDATE tickets SET response_due_at = ?2, resolution_due_at = ?3 WHERE id = ?1",
            params![id, r.map(to_db), s.map(to_db)],
        )?;
    }
    match action {
        // With mail on, the survey window starts when the SMTP server accepts the notice
        // (`Store::mark_sent`); until then the case has no survey due time.
        TicketAction::Resolve { .. } if crate::mail::outbox::case_resolved(tx, id, now)? => {
            tx.execute(
                "UPDATE tickets SET survey_due_at = NULL WHERE id = ?1",
                [id],
            )?;
        }
        TicketAction::Reject { reason } => {
            crate::mail::outbox::case_reopened(tx, id, reason, now)?;
        }
        TicketAction::Survey { .. } => crate::mail::outbox::survey_recorded(tx, id)?,
        _ => {}
    }
    Ok(t.number)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case looked up by its number ignoring case (opening it, every action, registering)
    /// searches the NOCASE index (0020), not every case of the BINARY unique index.
    #[test]
    fn a_case_looked_up_by_its_number_ignoring_case_uses_the_nocase_index() {
        let s = Store::open_in_memory().unwrap();
        let plan: Vec<String> = s
            .conn
            .sqlite_native()
            .unwrap()
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT {COLUMNS} FROM {FROM} WHERE t.number = ?1 COLLATE NOCASE"
            ))
            .unwrap()
            .query_map(["ma-2026-0001"], |r| r.get::<_, String>("detail"))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert!(
            plan.iter()
                .any(|d| d.contains("SEARCH t USING INDEX tickets_number_nocase")),
            "{plan:?}"
        );
    }

    /// A case read with the columns in the reverse order is the same case: rows are mapped by
    /// column name (the survey's columns included).
    #[test]
    fn ticket_rows_are_read_by_column_name() {
        let mut s = Store::open_in_memory().unwrap();
        let now: DateTime<Utc> = "2026-03-10T15:00:00Z".parse().unwrap();
        let who = "Técnico de sistemas";
        let t = s
            .create_ticket(
                &NewTicket {
                    requester: "Ana Gutiérrez".into(),
                    department: "Tesorería".into(),
                    description: "El equipo no enciende".into(),
                    phone: Some("3001234567".into()),
                    asset_tag: Some("IND0042".into()),
                    ..Default::default()
                },
                who,
                now,
            )
            .unwrap();
        let later = |m: i64| now + Duration::minutes(m);
        let actions = [
            TicketAction::Assign { to: who.into() },
            TicketAction::Start,
            TicketAction::Resolve {
                solution: "Se cambió la fuente de poder".into(),
                products: None,
                time_spent_minutes: Some(40),
            },
            TicketAction::Survey {
                scores: vec![5, 4, 5, 5],
                comment: Some("Muy buena atención".into()),
            },
        ];
        for (i, a) in actions.iter().enumerate() {
            s.apply_action(&t.number, a, who, later(10 * (i as i64 + 1)))
                .unwrap();
        }
        let stored = load_raw_in(&s.conn, &t.number).unwrap().ticket;
        assert_eq!(stored.status, TicketStatus::Closed);
        assert_eq!(stored.survey.as_ref().map(|v| v.scores.len()), Some(4));
        assert_eq!(stored.phone.as_deref(), Some("3001234567"));

        assert_ne!(crate::db::reversed_columns(COLUMNS), COLUMNS);
        let row = s
            .conn
            .query_row(
                &format!(
                    "SELECT {} FROM {FROM} WHERE t.number = ?1",
                    crate::db::reversed_columns(COLUMNS)
                ),
                [&t.number],
                TicketRow::from_row,
            )
            .unwrap();
        assert_eq!(build(row).unwrap().ticket, stored);
    }
}
