//! Improvement plan (plan de mejoramiento, issue 18; migration 0015): findings (hallazgos)
//! numbered `H-AAAA-NNN` per registration year (gap-free, allocated in the finding's own
//! transaction), their causes, improvement actions with goal, unit, quantity, dates and owner
//! (a staff member), follow-ups with progress and evidence (attachments owned by the follow-up)
//! and the closing verification by someone other than the owner.
//!
//! States are computed when read (`action_state`): cumplida = verified; vencida = the end
//! date passed (Bogota day) and not verified; en ejecución = a follow-up with progress > 0;
//! abierta otherwise. A finding is cumplida when all its actions are (and it has some),
//! vencida when one is, en ejecución when one is started or done, else abierta.
//! Exports: `documents.rs` (XLSX in the control bodies' columns, PDF with the quality header).

pub mod documents;
pub mod types;

use crate::db::{params, Db, OptionalExt};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::attachments::rows::list_for_plan_followup;
use crate::clock::{from_db, parse_time_input, to_db, to_local, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::store::Store;
use crate::text::{clean, clean_opt, fold};

pub use types::*;

/// Days ahead the «próximas a vencer» list looks by default (Inicio).
pub const DUE_DAYS: i64 = 15;

/// The Bogota calendar day of `now`.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    to_local(now).date()
}

/// A date typed as the app shows it (`dd/mm/aaaa`) or ISO (`AAAA-MM-DD`).
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return Err(CoreError::validation(field, "falta la fecha (dd/mm/aaaa)"));
    }
    parse_time_input(field, s)
        .map(|t| to_local(t).date())
        .map_err(|_| {
            CoreError::validation(
                field,
                format!("«{s}» no es una fecha válida; use dd/mm/aaaa"),
            )
        })
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn stored_date(column: &'static str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| CoreError::UnknownStoredValue {
        column,
        value: s.to_string(),
    })
}

/// `dd/mm/aaaa` of an ISO date (documents).
pub fn fmt_day(s: &str) -> String {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| s.to_string())
}

/// The state of an action (see the module docs).
pub fn action_state(
    verified: bool,
    ends_on: NaiveDate,
    today: NaiveDate,
    progress: i64,
) -> ActionState {
    if verified {
        ActionState::Cumplida
    } else if today > ends_on {
        ActionState::Vencida
    } else if progress > 0 {
        ActionState::EnEjecucion
    } else {
        ActionState::Abierta
    }
}

/// The state of a finding from its actions' states (see the module docs).
pub fn finding_state(actions: &[ActionState]) -> ActionState {
    if actions.is_empty() {
        ActionState::Abierta
    } else if actions.iter().all(|s| *s == ActionState::Cumplida) {
        ActionState::Cumplida
    } else if actions.contains(&ActionState::Vencida) {
        ActionState::Vencida
    } else if actions
        .iter()
        .any(|s| matches!(s, ActionState::EnEjecucion | ActionState::Cumplida))
    {
        ActionState::EnEjecucion
    } else {
        ActionState::Abierta
    }
}

/// Plazo en semanas: days between the dates ÷ 7, one decimal.
pub fn weeks_between(start: NaiveDate, end: NaiveDate) -> f64 {
    ((end - start).num_days() as f64 / 7.0 * 10.0).round() / 10.0
}

fn local_text(s: String) -> String {
    from_db(&s).map(to_rfc3339_local).unwrap_or(s)
}

fn not_found(what: &'static str, id: impl Into<String>) -> CoreError {
    CoreError::MaintenanceNotFound {
        what,
        id: id.into(),
    }
}

/// The id of the follow-up `key` (its id as text), for attachments.
pub(crate) fn find_followup(conn: &Db, key: &str) -> Result<i64> {
    let id: Option<i64> = match key.trim().parse::<i64>() {
        Ok(n) => conn
            .query_row("SELECT id FROM plan_followups WHERE id = ?1", [n], |r| {
                r.get("id")
            })
            .optional()?,
        Err(_) => None,
    };
    id.ok_or_else(|| not_found("el seguimiento", key.trim()))
}

/// The evidence of a follow-up changes only while its action is not verified.
pub(crate) fn check_followup_open(conn: &Db, followup_id: i64) -> Result<()> {
    let verified: Option<String> = conn.query_row(
        "SELECT a.verified_at FROM plan_followups f JOIN plan_actions a ON a.id = f.action_id
         WHERE f.id = ?1",
        [followup_id],
        |r| r.get("verified_at"),
    )?;
    if verified.is_some() {
        return Err(CoreError::validation(
            "adjunto",
            "la acción de este seguimiento ya fue verificada como cumplida: no se le agregan ni \
             quitan evidencias",
        ));
    }
    Ok(())
}

const ACTION_COLUMNS: &str = "a.id, a.description, a.objective, a.goal, a.unit, a.quantity, \
     a.starts_on, a.ends_on, a.owner, a.created_at, a.created_by, a.verified_at, a.verified_by, \
     a.verification_note, a.justification, f.number AS finding_number, \
     f.description AS finding_description";

fn load_followups(conn: &Db, action_id: i64) -> Result<Vec<PlanFollowUp>> {
    let mut st = conn.prepare_cached(
        "SELECT id, action_id, done_on, progress, comment, created_at, created_by
         FROM plan_followups WHERE action_id = ?1 ORDER BY done_on, id",
    )?;
    let rows = st
        .query_map([action_id], |r| {
            Ok(PlanFollowUp {
                id: r.get("id")?,
                action_id: r.get("action_id")?,
                done_on: r.get("done_on")?,
                progress: r.get("progress")?,
                comment: r.get("comment")?,
                created_at: local_text(r.get("created_at")?),
                created_by: r.get("created_by")?,
                attachments: vec![],
            })
        })?
        .collect::<crate::error::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|mut f| {
            f.attachments = list_for_plan_followup(conn, f.id)?;
            Ok(f)
        })
        .collect()
}

/// Actions matching `filter_sql` (a condition on `a` and `f`, with `?1` bound to `arg`).
fn load_actions(
    conn: &Db,
    filter_sql: &str,
    arg: &dyn crate::db::ToSqlValue,
    today: NaiveDate,
) -> Result<Vec<PlanAction>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {ACTION_COLUMNS} FROM plan_actions a JOIN plan_findings f ON f.id = a.finding_id
         WHERE {filter_sql} ORDER BY a.ends_on, a.id"
    ))?;
    let raw = st
        .query_map([arg], |r| {
            Ok((
                r.get::<_, i64>("id")?,
                r.get::<_, String>("starts_on")?,
                r.get::<_, String>("ends_on")?,
                PlanAction {
                    id: r.get("id")?,
                    finding_number: r.get("finding_number")?,
                    finding_description: r.get("finding_description")?,
                    description: r.get("description")?,
                    objective: r.get("objective")?,
                    goal: r.get("goal")?,
                    unit: r.get("unit")?,
                    quantity: r.get("quantity")?,
                    starts_on: r.get("starts_on")?,
                    ends_on: r.get("ends_on")?,
                    weeks: 0.0,
                    owner: r.get("owner")?,
                    state: ActionState::Abierta,
                    state_label: String::new(),
                    progress: 0,
                    days_left: 0,
                    follow_ups: vec![],
                    verified_at: r.get::<_, Option<String>>("verified_at")?.map(local_text),
                    verified_by: r.get("verified_by")?,
                    verification_note: r.get("verification_note")?,
                    justification: r.get("justification")?,
                    created_at: local_text(r.get("created_at")?),
                    created_by: r.get("created_by")?,
                },
            ))
        })?
        .collect::<crate::error::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(raw.len());
    for (id, start, end, mut a) in raw {
        let start = stored_date("plan_actions.starts_on", &start)?;
        let end = stored_date("plan_actions.ends_on", &end)?;
        a.follow_ups = load_followups(conn, id)?;
        a.progress = a.follow_ups.last().map(|f| f.progress).unwrap_or(0);
        a.weeks = weeks_between(start, end);
        a.days_left = (end - today).num_days();
        a.state = action_state(a.verified_at.is_some(), end, today, a.progress);
        a.state_label = a.state.label().to_string();
        out.push(a);
    }
    Ok(out)
}

fn action_by_id(conn: &Db, id: i64, today: NaiveDate) -> Result<PlanAction> {
    load_actions(conn, "a.id = ?1", &id, today)?
        .pop()
        .ok_or_else(|| not_found("la acción de mejora", id.to_string()))
}

fn finding_id(conn: &Db, number: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM plan_findings WHERE number = ?1 COLLATE NOCASE",
        [number.trim()],
        |r| r.get("id"),
    )
    .optional()?
    .ok_or_else(|| not_found("el hallazgo", number.trim()))
}

fn load_finding(conn: &Db, id: i64, today: NaiveDate) -> Result<Finding> {
    let mut f = conn.query_row(
        "SELECT id, number, description, source, source_ref, found_on, effect, created_at,
                created_by
         FROM plan_findings WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get::<_, String>("source")?,
                Finding {
                    id: r.get("id")?,
                    number: r.get("number")?,
                    description: r.get("description")?,
                    source: FindingSource::Otro,
                    source_label: String::new(),
                    source_ref: r.get("source_ref")?,
                    found_on: r.get("found_on")?,
                    effect: r.get("effect")?,
                    causes: vec![],
                    state: ActionState::Abierta,
                    state_label: String::new(),
                    progress: 0.0,
                    actions: vec![],
                    created_at: local_text(r.get("created_at")?),
                    created_by: r.get("created_by")?,
                },
            ))
        },
    )?;
    f.1.source = FindingSource::from_stored(&f.0)?;
    let mut f = f.1;
    f.source_label = f.source.label().to_string();
    let mut st = conn.prepare_cached(
        "SELECT description FROM plan_causes WHERE finding_id = ?1 ORDER BY position",
    )?;
    f.causes = st
        .query_map([id], |r| r.get("description"))?
        .collect::<crate::error::Result<Vec<String>>>()?;
    f.actions = load_actions(conn, "a.finding_id = ?1", &id, today)?;
    let states: Vec<ActionState> = f.actions.iter().map(|a| a.state).collect();
    f.state = finding_state(&states);
    f.state_label = f.state.label().to_string();
    f.progress = average_progress(&f.actions);
    Ok(f)
}

fn average_progress(actions: &[PlanAction]) -> f64 {
    if actions.is_empty() {
        return 0.0;
    }
    let sum: i64 = actions
        .iter()
        .map(|a| {
            if a.state == ActionState::Cumplida {
                100
            } else {
                a.progress
            }
        })
        .sum();
    (sum as f64 / actions.len() as f64 * 10.0).round() / 10.0
}

fn required(field: &str, s: &str, what: &str) -> Result<String> {
    let s = clean(s);
    if s.is_empty() {
        return Err(CoreError::validation(field, format!("escriba {what}")));
    }
    if s.chars().count() > 4000 {
        return Err(CoreError::validation(
            field,
            "el texto es demasiado largo (máximo 4.000 caracteres)",
        ));
    }
    Ok(s)
}

/// A staff member of the catalog (active), as the catalog writes the name.
fn staff_name(conn: &Db, name: &str) -> Result<String> {
    let name = clean(name);
    if name.is_empty() {
        return Err(CoreError::validation(
            "responsable",
            "elija el responsable de la acción (una persona del catálogo de personal)",
        ));
    }
    let mut st = conn.prepare_cached("SELECT name FROM staff WHERE active = 1 ORDER BY id")?;
    let names = st
        .query_map([], |r| r.get::<_, String>("name"))?
        .collect::<crate::error::Result<Vec<_>>>()?;
    let key = fold(&name);
    names
        .into_iter()
        .find(|n| fold(n) == key)
        .ok_or(CoreError::CatalogNotFound {
            what: "el responsable (personal activo)",
            name,
        })
}

/// A finding's input checked and normalised (creation and correction share the rules).
struct CleanFinding {
    description: String,
    source: FindingSource,
    source_ref: Option<String>,
    found_on: NaiveDate,
    effect: Option<String>,
    causes: Vec<String>,
}

fn check_finding(input: &FindingInput, today: NaiveDate) -> Result<CleanFinding> {
    let description = required(
        "descripción",
        &input.description,
        "la descripción del hallazgo",
    )?;
    let source = FindingSource::parse(&input.source)?;
    let found_on = match input.found_on.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => parse_date("fecha del hallazgo", s)?,
        _ => today,
    };
    if found_on > today {
        return Err(CoreError::validation(
            "fecha del hallazgo",
            "la fecha del hallazgo no puede ser posterior a hoy",
        ));
    }
    let causes: Vec<String> = input
        .causes
        .iter()
        .map(|c| clean(c))
        .filter(|c| !c.is_empty())
        .collect();
    if causes.is_empty() {
        return Err(CoreError::validation(
            "causa",
            "escriba al menos una causa del hallazgo",
        ));
    }
    for (i, c) in causes.iter().enumerate() {
        required(&format!("causa {}", i + 1), c, "la causa")?;
    }
    Ok(CleanFinding {
        description,
        source,
        source_ref: clean_opt(input.source_ref.as_deref()),
        found_on,
        effect: clean_opt(input.effect.as_deref()),
        causes,
    })
}

/// An action's input checked and normalised (the owner is checked against the catalog apart).
struct CleanAction {
    description: String,
    objective: Option<String>,
    goal: Option<String>,
    unit: Option<String>,
    quantity: Option<f64>,
    start: NaiveDate,
    end: NaiveDate,
}

fn check_action(input: &ActionInput) -> Result<CleanAction> {
    let description = required(
        "acción de mejora",
        &input.description,
        "la acción de mejora",
    )?;
    let start = parse_date("fecha de inicio", &input.starts_on)?;
    let end = parse_date("fecha de terminación", &input.ends_on)?;
    if end < start {
        return Err(CoreError::validation(
            "fecha de terminación",
            "la fecha de terminación es anterior a la fecha de inicio",
        ));
    }
    if let Some(q) = input.quantity {
        if !q.is_finite() || q < 0.0 {
            return Err(CoreError::validation(
                "cantidad",
                "la cantidad debe ser un número mayor o igual a cero",
            ));
        }
    }
    Ok(CleanAction {
        description,
        objective: clean_opt(input.objective.as_deref()),
        goal: clean_opt(input.goal.as_deref()),
        unit: clean_opt(input.unit.as_deref()),
        quantity: input.quantity,
        start,
        end,
    })
}

/// The risk whose action plan points to the improvement action `action_id`, if any (the link
/// has no foreign key: `risks.plan_action_id`).
fn risk_linked_to(conn: &Db, action_id: i64) -> Result<Option<String>> {
    conn.query_row(
        "SELECT code FROM risks WHERE plan_action_id = ?1 ORDER BY code LIMIT 1",
        [action_id],
        |r| r.get("code"),
    )
    .optional()
}

/// Why an action cannot be deleted (follow-ups, verification, a risk pointing to it), if so.
fn action_delete_refusal(conn: &Db, a: &PlanAction) -> Result<Option<String>> {
    if !a.follow_ups.is_empty() {
        return Ok(Some(format!(
            "la acción {} tiene {} seguimiento(s) registrado(s): no se elimina (su historia es \
             evidencia del plan); corrija sus datos o sus fechas",
            a.id,
            a.follow_ups.len()
        )));
    }
    if a.verified_at.is_some() {
        return Ok(Some(format!(
            "la acción {} ya fue verificada como cumplida: no se elimina",
            a.id
        )));
    }
    if let Some(code) = risk_linked_to(conn, a.id)? {
        return Ok(Some(format!(
            "la acción {} es el plan de acción del riesgo {code}: quite ese vínculo en el mapa \
             de riesgos antes de eliminarla",
            a.id
        )));
    }
    Ok(None)
}

impl Store {
    /// Registers a finding with its causes, numbered `H-AAAA-NNN` (year of `now` in Bogota) in
    /// the same transaction. Also the way drafts from a red indicator or a risk are created.
    pub fn create_finding(
        &mut self,
        input: &FindingInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Finding> {
        self.authorize(crate::people::Permission::Reports)?;
        let today = today(now);
        let CleanFinding {
            description,
            source,
            source_ref,
            found_on,
            effect,
            causes,
        } = check_finding(input, today)?;
        let year = today.year();
        let at = to_db(now);
        let id = self.write(actor, now, |tx| {
            let seq: i64 = tx.query_row(
                "INSERT INTO plan_finding_counters(year, last) VALUES (?1, 1)
                 ON CONFLICT(year) DO UPDATE SET last = plan_finding_counters.last + 1
                 RETURNING last",
                [year],
                |r| r.get("last"),
            )?;
            let number = format!("H-{year}-{seq:03}");
            let id: i64 = tx.query_row(
                "INSERT INTO plan_findings(number, year, seq, description, source, source_ref,
                    found_on, effect, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
                params![
                    number,
                    year,
                    seq,
                    description,
                    source.key(),
                    source_ref,
                    iso(found_on),
                    effect,
                    at,
                    actor
                ], |r| r.get("id"))?;
            for (i, c) in causes.iter().enumerate() {
                tx.execute(
                    "INSERT INTO plan_causes(finding_id, position, description) VALUES (?1, ?2, ?3)",
                    params![id, i as i64 + 1, c],
                )?;
            }
            Ok(id)
        })?;
        load_finding(&self.conn, id, today)
    }

    /// One finding by number (`H-2026-001`, case ignored) with causes, actions and follow-ups.
    pub fn plan_finding(&self, number: &str, now: DateTime<Utc>) -> Result<Finding> {
        let id = finding_id(&self.conn, number)?;
        load_finding(&self.conn, id, today(now))
    }

    /// Every finding, complete, oldest first (exports).
    pub fn plan_findings_full(&self, now: DateTime<Utc>) -> Result<Vec<Finding>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM plan_findings ORDER BY year, seq")?;
        let ids = st
            .query_map([], |r| r.get::<_, i64>("id"))?
            .collect::<crate::error::Result<Vec<_>>>()?;
        let today = today(now);
        ids.into_iter()
            .map(|id| load_finding(&self.conn, id, today))
            .collect()
    }

    /// The findings list, newest first, filtered by state and source.
    pub fn plan_findings(
        &self,
        filter: &PlanFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<FindingSummary>> {
        let mut out: Vec<FindingSummary> = self
            .plan_findings_full(now)?
            .into_iter()
            .filter(|f| filter.state.is_none_or(|s| f.state == s))
            .filter(|f| filter.source.is_none_or(|s| f.source == s))
            .map(|f| FindingSummary {
                actions: f.actions.len() as i64,
                actions_done: f
                    .actions
                    .iter()
                    .filter(|a| a.state == ActionState::Cumplida)
                    .count() as i64,
                next_end: f
                    .actions
                    .iter()
                    .filter(|a| a.state != ActionState::Cumplida)
                    .map(|a| a.ends_on.clone())
                    .min(),
                number: f.number,
                description: f.description,
                source: f.source,
                source_label: f.source_label,
                source_ref: f.source_ref,
                found_on: f.found_on,
                state: f.state,
                state_label: f.state_label,
                progress: f.progress,
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// One action by id.
    pub fn plan_action(&self, id: i64, now: DateTime<Utc>) -> Result<PlanAction> {
        action_by_id(&self.conn, id, today(now))
    }

    /// Adds an improvement action to the finding `number`.
    pub fn add_plan_action(
        &mut self,
        number: &str,
        input: &ActionInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<PlanAction> {
        self.authorize(crate::people::Permission::Reports)?;
        let fid = finding_id(&self.conn, number)?;
        let c = check_action(input)?;
        let owner = staff_name(&self.conn, &input.owner)?;
        let at = to_db(now);
        let id = self.write(actor, now, |tx| {
            let id: i64 = tx.query_row(
                "INSERT INTO plan_actions(finding_id, description, objective, goal, unit,
                    quantity, starts_on, ends_on, owner, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
                params![
                    fid,
                    c.description,
                    c.objective,
                    c.goal,
                    c.unit,
                    c.quantity,
                    iso(c.start),
                    iso(c.end),
                    owner,
                    at,
                    actor
                ],
                |r| r.get("id"),
            )?;
            Ok(id)
        })?;
        self.plan_action(id, now)
    }

    /// Records a follow-up of the action `action_id`: the progress so far (0–100, never below
    /// the previous follow-up's), a comment, the date (not in the future, not before the
    /// action's start). Refused once the action is verified.
    pub fn add_plan_follow_up(
        &mut self,
        action_id: i64,
        input: &FollowUpInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<PlanFollowUp> {
        self.authorize(crate::people::Permission::Reports)?;
        let today = today(now);
        let a = action_by_id(&self.conn, action_id, today)?;
        if a.state == ActionState::Cumplida {
            return Err(CoreError::validation(
                "seguimiento",
                format!(
                    "la acción {} ya fue verificada como cumplida: no admite más seguimientos",
                    a.id
                ),
            ));
        }
        if !(0..=100).contains(&input.progress) {
            return Err(CoreError::validation(
                "avance",
                "el avance es un porcentaje entre 0 y 100",
            ));
        }
        if input.progress < a.progress {
            return Err(CoreError::validation(
                "avance",
                format!(
                    "el avance ({} %) no puede ser menor que el del seguimiento anterior ({} %)",
                    input.progress, a.progress
                ),
            ));
        }
        let comment = required(
            "observación",
            &input.comment,
            "la observación del seguimiento",
        )?;
        let done_on = match input.done_on.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => parse_date("fecha del seguimiento", s)?,
            _ => today,
        };
        if done_on > today {
            return Err(CoreError::validation(
                "fecha del seguimiento",
                "la fecha del seguimiento no puede ser posterior a hoy",
            ));
        }
        let start = stored_date("plan_actions.starts_on", &a.starts_on)?;
        if done_on < start {
            return Err(CoreError::validation(
                "fecha del seguimiento",
                format!(
                    "la fecha del seguimiento es anterior al inicio de la acción ({})",
                    fmt_day(&a.starts_on)
                ),
            ));
        }
        if let Some(last) = a.follow_ups.last() {
            if iso(done_on) < last.done_on {
                return Err(CoreError::validation(
                    "fecha del seguimiento",
                    format!(
                        "la fecha es anterior a la del último seguimiento ({})",
                        fmt_day(&last.done_on)
                    ),
                ));
            }
        }
        let at = to_db(now);
        let id = self.write(actor, now, |tx| {
            let id: i64 = tx.query_row(
                "INSERT INTO plan_followups(action_id, done_on, progress, comment, created_at,
                    created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![action_id, iso(done_on), input.progress, comment, at, actor],
                |r| r.get("id"),
            )?;
            Ok(id)
        })?;
        load_followups(&self.conn, action_id)?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| not_found("el seguimiento", id.to_string()))
    }

    /// The closing verification: the action becomes «cumplida». Only by someone other than
    /// its owner (compared ignoring case and accents), and only once its last follow-up
    /// reports 100 %. `justification` is kept with the verification (a one-account office will
    /// be allowed to verify its own action with one; the permission check decides).
    pub fn verify_plan_action(
        &mut self,
        action_id: i64,
        input: &VerifyInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<PlanAction> {
        self.authorize(crate::people::Permission::Reports)?;
        let a = action_by_id(&self.conn, action_id, today(now))?;
        if a.state == ActionState::Cumplida {
            return Err(CoreError::validation(
                "verificación",
                format!(
                    "la acción {} ya fue verificada por {}",
                    a.id,
                    a.verified_by.clone().unwrap_or_default()
                ),
            ));
        }
        // Separation of duties: the owner does not verify the closing (allowed in a one-account
        // office with a justification, which is stored).
        self.separate_duties(
            &format!(
                "la verificación de cierre la hace una persona distinta del responsable de la \
                 acción ({})",
                a.owner
            ),
            &a.owner,
            &self.checker_name(actor),
            input.justification.as_deref(),
        )?;
        if a.progress < 100 {
            return Err(CoreError::validation(
                "verificación",
                format!(
                    "la acción tiene un avance de {} %: registre un seguimiento del 100 % antes \
                     de verificar el cierre",
                    a.progress
                ),
            ));
        }
        let at = to_db(now);
        self.write(actor, now, |tx| {
            tx.execute(
                "UPDATE plan_actions SET verified_at = ?1, verified_by = ?2,
                    verification_note = ?3, justification = ?4
                 WHERE id = ?5 AND verified_at IS NULL",
                params![
                    at,
                    actor,
                    clean_opt(input.note.as_deref()),
                    clean_opt(input.justification.as_deref()),
                    action_id
                ],
            )?;
            Ok(())
        })?;
        self.plan_action(action_id, now)
    }

    /// Corrects a finding: description, source and its reference, date, effect and causes
    /// (the same rules as creating it). Only what changed is written, so the audit trail holds
    /// one entry per changed field (old → new); causes are matched by position (a changed one
    /// is an update, a new one an insert, a removed one a delete). Its number never changes.
    pub fn update_finding(
        &mut self,
        number: &str,
        input: &FindingInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Finding> {
        self.authorize(crate::people::Permission::Reports)?;
        let today = today(now);
        let id = finding_id(&self.conn, number)?;
        let c = check_finding(input, today)?;
        self.write(actor, now, |tx| {
            tx.execute(
                "UPDATE plan_findings SET description = ?2, source = ?3, source_ref = ?4,
                    found_on = ?5, effect = ?6
                 WHERE id = ?1",
                params![
                    id,
                    c.description,
                    c.source.key(),
                    c.source_ref,
                    iso(c.found_on),
                    c.effect
                ],
            )?;
            let old: Vec<(i64, String)> = {
                let mut st = tx.prepare(
                    "SELECT id, description FROM plan_causes WHERE finding_id = ?1
                     ORDER BY position",
                )?;
                let rows = st
                    .query_map([id], |r| Ok((r.get("id")?, r.get("description")?)))?
                    .collect::<crate::error::Result<Vec<_>>>()?;
                rows
            };
            // Matched by position: only the surplus at the end is removed, so positions stay
            // 1..n.
            for (i, (cid, text)) in old.iter().enumerate() {
                match c.causes.get(i) {
                    Some(new) if new == text => {}
                    Some(new) => {
                        tx.execute(
                            "UPDATE plan_causes SET description = ?2 WHERE id = ?1",
                            params![cid, new],
                        )?;
                    }
                    None => {
                        tx.execute("DELETE FROM plan_causes WHERE id = ?1", [cid])?;
                    }
                }
            }
            for text in c.causes.iter().skip(old.len()) {
                tx.execute(
                    "INSERT INTO plan_causes(finding_id, position, description)
                     VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM plan_causes
                                  WHERE finding_id = ?1), ?2)",
                    params![id, text],
                )?;
            }
            Ok(())
        })?;
        load_finding(&self.conn, id, today)
    }

    /// Corrects an improvement action: description, objective, goal, unit, quantity, dates and
    /// owner (the same rules as adding it). Refused once the action is verified (the
    /// verification vouches for what it says), and a start date after its first follow-up is
    /// refused. An owner no longer active in the staff catalog may stay as it is.
    pub fn update_plan_action(
        &mut self,
        action_id: i64,
        input: &ActionInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<PlanAction> {
        self.authorize(crate::people::Permission::Reports)?;
        let a = action_by_id(&self.conn, action_id, today(now))?;
        if a.verified_at.is_some() {
            return Err(CoreError::validation(
                "acción de mejora",
                format!(
                    "la acción {} ya fue verificada como cumplida por {}: no se modifica",
                    a.id,
                    a.verified_by.clone().unwrap_or_default()
                ),
            ));
        }
        let c = check_action(input)?;
        if let Some(first) = a.follow_ups.first() {
            if iso(c.start) > first.done_on {
                return Err(CoreError::validation(
                    "fecha de inicio",
                    format!(
                        "la acción ya tiene un seguimiento del {}: la fecha de inicio no puede \
                         ser posterior",
                        fmt_day(&first.done_on)
                    ),
                ));
            }
        }
        let owner = if fold(&input.owner) == fold(&a.owner) {
            a.owner.clone()
        } else {
            staff_name(&self.conn, &input.owner)?
        };
        self.write(actor, now, |tx| {
            tx.execute(
                "UPDATE plan_actions SET description = ?2, objective = ?3, goal = ?4, unit = ?5,
                    quantity = ?6, starts_on = ?7, ends_on = ?8, owner = ?9
                 WHERE id = ?1 AND verified_at IS NULL",
                params![
                    action_id,
                    c.description,
                    c.objective,
                    c.goal,
                    c.unit,
                    c.quantity,
                    iso(c.start),
                    iso(c.end),
                    owner
                ],
            )?;
            Ok(())
        })?;
        self.plan_action(action_id, now)
    }

    /// Deletes an improvement action that has no follow-ups (nor verification, nor a risk
    /// whose action plan points to it). An action with follow-ups stays: the plan's states
    /// have no «anulada», and its follow-ups are the plan's evidence; correct it instead.
    pub fn delete_plan_action(
        &mut self,
        action_id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.authorize(crate::people::Permission::ManagementDelete)?;
        let a = action_by_id(&self.conn, action_id, today(now))?;
        if let Some(why) = action_delete_refusal(&self.conn, &a)? {
            return Err(CoreError::validation("eliminar acción", why));
        }
        self.write(actor, now, |tx| {
            tx.execute(
                "DELETE FROM plan_actions WHERE id = ?1
                 AND NOT EXISTS (SELECT 1 FROM plan_followups WHERE action_id = ?1)",
                [action_id],
            )?;
            Ok(())
        })
    }

    /// Deletes a finding with its causes and actions, only while none of its actions has a
    /// follow-up (see [`Store::delete_plan_action`]). Its number is not reused (the counter
    /// keeps it), so the numbering shows the gap and the audit trail says why.
    pub fn delete_finding(&mut self, number: &str, actor: &str, now: DateTime<Utc>) -> Result<()> {
        self.authorize(crate::people::Permission::ManagementDelete)?;
        let id = finding_id(&self.conn, number)?;
        let f = load_finding(&self.conn, id, today(now))?;
        for a in &f.actions {
            if let Some(why) = action_delete_refusal(&self.conn, a)? {
                return Err(CoreError::validation(
                    "eliminar hallazgo",
                    format!("el hallazgo {} no se elimina: {why}", f.number),
                ));
            }
        }
        self.write(actor, now, |tx| {
            // Children first, one by one, so each row leaves its own audit entry.
            tx.execute("DELETE FROM plan_actions WHERE finding_id = ?1", [id])?;
            tx.execute("DELETE FROM plan_causes WHERE finding_id = ?1", [id])?;
            tx.execute("DELETE FROM plan_findings WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// Actions not verified whose end date passed (overdue) or falls within `days` days
    /// (0–366) from today (Inicio).
    pub fn plan_due(&self, days: i64, now: DateTime<Utc>) -> Result<PlanDue> {
        if !(0..=366).contains(&days) {
            return Err(CoreError::validation(
                "días",
                "el número de días debe estar entre 0 y 366",
            ));
        }
        let today = today(now);
        let limit = iso(today + chrono::Duration::days(days));
        let actions = load_actions(
            &self.conn,
            "a.verified_at IS NULL AND a.ends_on <= ?1",
            &limit,
            today,
        )?;
        let (overdue, due_soon): (Vec<PlanAction>, Vec<PlanAction>) = actions
            .into_iter()
            .partition(|a| a.state == ActionState::Vencida);
        Ok(PlanDue {
            today: iso(today),
            days,
            overdue,
            due_soon,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn states_follow_the_rules() {
        let end = d("2026-03-31");
        assert_eq!(
            action_state(false, end, d("2026-03-31"), 0),
            ActionState::Abierta
        );
        assert_eq!(
            action_state(false, end, d("2026-03-31"), 10),
            ActionState::EnEjecucion
        );
        assert_eq!(
            action_state(false, end, d("2026-04-01"), 90),
            ActionState::Vencida
        );
        assert_eq!(
            action_state(true, end, d("2026-05-01"), 100),
            ActionState::Cumplida
        );
        use ActionState::*;
        assert_eq!(finding_state(&[]), Abierta);
        assert_eq!(finding_state(&[Cumplida, Cumplida]), Cumplida);
        assert_eq!(finding_state(&[Cumplida, Vencida]), Vencida);
        assert_eq!(finding_state(&[Cumplida, Abierta]), EnEjecucion);
        assert_eq!(finding_state(&[Abierta, Abierta]), Abierta);
    }

    #[test]
    fn weeks_and_dates() {
        assert_eq!(weeks_between(d("2026-03-02"), d("2026-03-30")), 4.0);
        assert_eq!(weeks_between(d("2026-03-02"), d("2026-03-05")), 0.4);
        assert_eq!(parse_date("f", "05/03/2026").unwrap(), d("2026-03-05"));
        assert_eq!(parse_date("f", "2026-03-05").unwrap(), d("2026-03-05"));
        assert!(parse_date("f", "31/02/2026").is_err());
        assert!(parse_date("f", "").is_err());
        assert_eq!(
            FindingSource::parse("Auditoría").unwrap(),
            FindingSource::Auditoria
        );
        assert!(FindingSource::parse("rumor").is_err());
        assert_eq!(
            ActionState::parse("en ejecución").unwrap(),
            ActionState::EnEjecucion
        );
    }
}
