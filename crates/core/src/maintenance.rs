//! Preventive maintenance: one plan per year (vigencia) whose items target one equipment, a
//! group of equipment (by kind and/or dependencia) or an infrastructure area; each item has an
//! activity, a checklist, a frequency and a start month, and generates one occurrence per
//! programmed month. Executing an occurrence records a log entry (bitácora) which the engineer
//! verifies; general logs (daily monitoring) are recorded the same way without an occurrence.
//!
//! Rules (see ARCHITECTURE.md):
//! - Occurrence months: start month, then every 1/2/3/6/12 months up to December.
//! - An occurrence is *executed* when it has a log entry; *on time* when the first such entry
//!   was performed within the programmed month.
//! - Compliance up to a date D = executed (performed on or before D) ÷ programmed with
//!   `scheduled_on` (first day of the programmed month) on or before D.
//! - Overdue: not executed and the programmed month has ended. Due this week: not executed, not
//!   overdue, and the programmed month has begun by the end of the current week (Sunday).

use std::collections::BTreeMap;

use crate::db::{params, OptionalExt};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::assets::{add_asset_event, date_or_today, find_asset, normalize_tag, today, EventRow};
use crate::clock::{from_db, to_db, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::model::NewTicket;
use crate::store::Store;
use crate::text::{clean, clean_opt, fold};

/// Infrastructure areas a plan item may target.
pub const INFRA_AREAS: [&str; 6] = [
    "Refrigeración",
    "UPS y respaldo eléctrico",
    "Redes y comunicaciones",
    "Telefonía IP",
    "Sistemas de seguridad",
    "Correo institucional y directorio activo",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    Bimonthly,
    Quarterly,
    Semiannual,
    Annual,
}

impl Frequency {
    pub const ALL: [Frequency; 5] = [
        Frequency::Monthly,
        Frequency::Bimonthly,
        Frequency::Quarterly,
        Frequency::Semiannual,
        Frequency::Annual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Bimonthly => "bimonthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Semiannual => "semiannual",
            Frequency::Annual => "annual",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Monthly => "Mensual",
            Frequency::Bimonthly => "Bimestral",
            Frequency::Quarterly => "Trimestral",
            Frequency::Semiannual => "Semestral",
            Frequency::Annual => "Anual",
        }
    }

    /// Months between occurrences.
    pub fn step(self) -> u32 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Bimonthly => 2,
            Frequency::Quarterly => 3,
            Frequency::Semiannual => 6,
            Frequency::Annual => 12,
        }
    }

    /// Accepts the code or the Spanish word (mensual, bimestral, trimestral, semestral, anual).
    pub fn parse(s: &str) -> Option<Self> {
        let k = fold(s);
        Frequency::ALL
            .into_iter()
            .find(|f| f.as_str() == k || fold(f.label()) == k)
    }
}

/// The programmed months (1–12) of an item in its year.
pub fn occurrence_months(freq: Frequency, start_month: u32) -> Result<Vec<u32>> {
    if !(1..=12).contains(&start_month) {
        return Err(CoreError::validation(
            "mes de inicio",
            format!("«{start_month}» no es un mes (1 a 12)"),
        ));
    }
    Ok((start_month..=12).step_by(freq.step() as usize).collect())
}

fn month_bounds(year: i32, month: u32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid month");
    (first, next - Duration::days(1))
}

/// What a plan item targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "target", rename_all = "snake_case")]
pub enum PlanTarget {
    /// One equipment by placa.
    Asset { tag: String },
    /// All equipment of a kind and/or a dependencia (e.g. every UPS; computers of Tesorería).
    Group {
        kind: Option<String>,
        department: Option<String>,
    },
    /// An infrastructure area (refrigeración, UPS y respaldo eléctrico, …).
    Area { area: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewPlanItem {
    pub target: PlanTarget,
    pub activity: String,
    pub checklist: Vec<String>,
    pub frequency: Frequency,
    pub start_month: i64,
    pub responsible: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanItem {
    pub id: i64,
    pub position: i64,
    pub target: PlanTarget,
    /// «Equipo / área» column of the cronograma.
    pub label: String,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub location: Option<String>,
    pub activity: String,
    pub checklist: Vec<String>,
    pub frequency: Frequency,
    pub start_month: i64,
    pub responsible: String,
    /// Equipment covered (1 for an equipment, the group's size, 0 for an area).
    pub asset_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Plan {
    pub year: i64,
    pub name: String,
    pub created_at: String,
    pub created_by: String,
    pub items: Vec<PlanItem>,
}

/// State of one month of one item in the cronograma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// Nothing programmed or executed.
    None,
    /// Programmed, not executed yet, month not over.
    Programmed,
    /// Programmed, not executed, month over.
    Overdue,
    /// Executed in its programmed month.
    Executed,
    /// Executed in this month for an occurrence of another month (late or early).
    ExecutedOutOfMonth,
    /// Programmed here, executed in another month.
    Moved,
}

impl CellState {
    /// The mark printed in the cell: P (programado), E (ejecutado).
    pub fn mark(self) -> &'static str {
        match self {
            CellState::None => "",
            CellState::Programmed | CellState::Overdue | CellState::Moved => "P",
            CellState::Executed | CellState::ExecutedOutOfMonth => "E",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CronogramaCell {
    pub month: i64,
    pub state: CellState,
    pub mark: String,
    /// Occurrence programmed in this month (to log it), if any.
    pub occurrence_id: Option<i64>,
    /// Log entries performed in this month for this item.
    pub log_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CronogramaRow {
    pub item: PlanItem,
    pub cells: Vec<CronogramaCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Compliance {
    pub year: i64,
    /// `YYYY-MM-DD`: the date the figures are computed up to.
    pub upto: String,
    pub programmed: i64,
    pub executed: i64,
    pub on_time: i64,
    /// executed ÷ programmed × 100 (0 when nothing is programmed).
    pub pct_executed: f64,
    /// on time ÷ programmed × 100.
    pub pct_on_time: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Cronograma {
    pub year: i64,
    pub plan_name: String,
    pub rows: Vec<CronogramaRow>,
    pub compliance: Compliance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChecklistResult {
    pub item: String,
    pub ok: bool,
    pub note: Option<String>,
}

/// A log entry (bitácora) to record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NewLog {
    /// The occurrence executed; `null` for a general log (daily monitoring…).
    pub occurrence_id: Option<i64>,
    /// Equipment worked on. For an occurrence of a group: the equipment covered (empty = every
    /// active equipment of the group).
    pub asset_tags: Vec<String>,
    /// For a general log: the area (correo institucional y directorio activo…).
    pub area: Option<String>,
    /// `preventive`, `corrective`, `monitoring` or `other`; default preventive for an
    /// occurrence, monitoring otherwise.
    pub kind: Option<String>,
    /// `YYYY-MM-DD`; `null` = today.
    pub performed_on: Option<String>,
    /// Who did it; `null` = who acts.
    pub performed_by: Option<String>,
    /// What was done; default: the item's activity.
    pub activity: Option<String>,
    pub checklist: Vec<ChecklistResult>,
    pub findings: Option<String>,
    pub parts_used: Option<String>,
    pub next_actions: Option<String>,
    /// Opens a corrective case with this description, linked to the log.
    pub open_case: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MaintenanceLog {
    pub id: i64,
    pub occurrence_id: Option<i64>,
    /// Year and month programmed, for a log of an occurrence.
    pub plan_year: Option<i64>,
    pub programmed_month: Option<i64>,
    pub asset_tag: Option<String>,
    pub area: Option<String>,
    /// Equipment / area / group the log is about.
    pub target_label: String,
    pub kind: String,
    pub performed_on: String,
    pub performed_by: String,
    pub activity: String,
    pub checklist: Vec<ChecklistResult>,
    pub findings: Option<String>,
    pub parts_used: Option<String>,
    pub next_actions: Option<String>,
    pub ticket_number: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    pub verification_note: Option<String>,
    /// For a log of an occurrence: performed within the programmed month.
    pub on_time: Option<bool>,
    pub created_at: String,
    pub created_by: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct LogQuery {
    pub year: Option<i64>,
    pub asset_tag: Option<String>,
    pub occurrence_id: Option<i64>,
    /// Performed on or after (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Performed on or before (`YYYY-MM-DD`).
    pub to: Option<String>,
    pub unverified_only: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DueOccurrence {
    pub occurrence_id: i64,
    pub year: i64,
    pub month: i64,
    pub scheduled_on: String,
    pub due_on: String,
    pub label: String,
    pub activity: String,
    pub responsible: String,
    pub overdue: bool,
}

/// For the home dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MaintenanceDue {
    pub due_this_week: Vec<DueOccurrence>,
    pub overdue: Vec<DueOccurrence>,
}

const LOG_KINDS: [&str; 4] = ["preventive", "corrective", "monitoring", "other"];

pub fn log_kind_label(kind: &str) -> &'static str {
    match kind {
        "preventive" => "Preventivo",
        "corrective" => "Correctivo",
        "monitoring" => "Monitoreo",
        _ => "Otro",
    }
}

/// (occurrence id, item id, month, first performed_on).
type OccurrenceRow = (i64, i64, i64, Option<String>);

/// Tag, kind, brand, model, serial, department, location of an equipment.
type AssetSummary = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

struct ItemRow {
    id: i64,
    position: i64,
    target: String,
    asset_id: Option<i64>,
    group_kind: Option<String>,
    group_department: Option<String>,
    area: Option<String>,
    activity: String,
    checklist: String,
    frequency: String,
    start_month: i64,
    responsible: String,
}

/// A maintenance log entry as `query_logs` reads it, by column name.
struct LogRow {
    id: i64,
    occurrence_id: Option<i64>,
    plan_year: Option<i64>,
    programmed_month: Option<i64>,
    asset_tag: Option<String>,
    area: Option<String>,
    kind: String,
    performed_on: String,
    performed_by: String,
    activity: String,
    checklist: String,
    findings: Option<String>,
    parts_used: Option<String>,
    next_actions: Option<String>,
    ticket_number: Option<String>,
    verified_by: Option<String>,
    verified_at: Option<String>,
    verification_note: Option<String>,
    created_at: String,
    created_by: String,
    item_id: Option<i64>,
    asset_kind: Option<String>,
}

impl LogRow {
    fn from_row(r: &crate::db::Row<'_>) -> crate::error::Result<Self> {
        Ok(LogRow {
            id: r.get("id")?,
            occurrence_id: r.get("occurrence_id")?,
            plan_year: r.get("plan_year")?,
            programmed_month: r.get("programmed_month")?,
            asset_tag: r.get("asset_tag")?,
            area: r.get("area")?,
            kind: r.get("kind")?,
            performed_on: r.get("performed_on")?,
            performed_by: r.get("performed_by")?,
            activity: r.get("activity")?,
            checklist: r.get("checklist")?,
            findings: r.get("findings")?,
            parts_used: r.get("parts_used")?,
            next_actions: r.get("next_actions")?,
            ticket_number: r.get("ticket_number")?,
            verified_by: r.get("verified_by")?,
            verified_at: r.get("verified_at")?,
            verification_note: r.get("verification_note")?,
            created_at: r.get("created_at")?,
            created_by: r.get("created_by")?,
            item_id: r.get("item_id")?,
            asset_kind: r.get("asset_kind")?,
        })
    }
}

fn plan_id(conn: &crate::db::Db, year: i64) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM maintenance_plans WHERE year = ?1",
        [year],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(CoreError::MaintenanceNotFound {
        what: "el plan de mantenimiento de la vigencia",
        id: year.to_string(),
    })
}

/// Asset ids of a group (active equipment only).
fn group_assets(
    conn: &crate::db::Db,
    kind: Option<&str>,
    department: Option<&str>,
) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT id, coalesce(tag_display, tag) AS tag FROM assets WHERE status <> 'decommissioned'
           AND (CAST(?1 AS TEXT) IS NULL OR kind = ?1 COLLATE NOCASE)
           AND (CAST(?2 AS TEXT) IS NULL OR department = ?2 COLLATE NOCASE)
         ORDER BY tag",
    )?;
    let rows = stmt
        .query_map(params![kind, department], |r| {
            Ok((r.get("id")?, r.get("tag")?))
        })?
        .collect::<crate::error::Result<Vec<_>>>()?;
    Ok(rows)
}

fn build_item(conn: &crate::db::Db, r: ItemRow) -> Result<PlanItem> {
    let frequency = Frequency::parse(&r.frequency).unwrap_or(Frequency::Annual);
    let checklist: Vec<String> = serde_json::from_str(&r.checklist).unwrap_or_default();
    let (target, label, brand, model, serial, location, count) = match r.target.as_str() {
        "asset" => {
            let (tag, kind, brand, model, serial, dep, loc): AssetSummary = conn.query_row(
                "SELECT coalesce(tag_display, tag) AS tag, kind, brand, model, serial, department, location
                 FROM assets WHERE id = ?1",
                [r.asset_id.unwrap_or_default()],
                |x| {
                    Ok((
                        x.get("tag")?,
                        x.get("kind")?,
                        x.get("brand")?,
                        x.get("model")?,
                        x.get("serial")?,
                        x.get("department")?,
                        x.get("location")?,
                    ))
                },
            )?;
            let location = [dep.as_deref(), loc.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" — ");
            (
                PlanTarget::Asset { tag: tag.clone() },
                format!("{kind} {tag}"),
                brand,
                model,
                serial,
                Some(location).filter(|s| !s.is_empty()),
                1,
            )
        }
        "group" => {
            let members =
                group_assets(conn, r.group_kind.as_deref(), r.group_department.as_deref())?;
            let what = r
                .group_kind
                .clone()
                .unwrap_or_else(|| "Todos los equipos".into());
            let label = match &r.group_department {
                Some(d) => format!("{what} — {d} ({} equipos)", members.len()),
                None => format!("{what} (todos, {} equipos)", members.len()),
            };
            (
                PlanTarget::Group {
                    kind: r.group_kind.clone(),
                    department: r.group_department.clone(),
                },
                label,
                None,
                None,
                None,
                r.group_department.clone(),
                members.len() as i64,
            )
        }
        _ => {
            let area = r.area.clone().unwrap_or_default();
            (
                PlanTarget::Area { area: area.clone() },
                area,
                None,
                None,
                None,
                None,
                0,
            )
        }
    };
    Ok(PlanItem {
        id: r.id,
        position: r.position,
        target,
        label,
        brand,
        model,
        serial,
        location,
        activity: r.activity,
        checklist,
        frequency,
        start_month: r.start_month,
        responsible: r.responsible,
        asset_count: count,
    })
}

fn load_items(conn: &crate::db::Db, plan: i64) -> Result<Vec<PlanItem>> {
    let mut stmt = conn.prepare(
        "SELECT id, position, target, asset_id, group_kind, group_department, area, activity,
                checklist, frequency, start_month, responsible
         FROM maintenance_items WHERE plan_id = ?1 ORDER BY position, id",
    )?;
    let rows = stmt
        .query_map([plan], |r| {
            Ok(ItemRow {
                id: r.get("id")?,
                position: r.get("position")?,
                target: r.get("target")?,
                asset_id: r.get("asset_id")?,
                group_kind: r.get("group_kind")?,
                group_department: r.get("group_department")?,
                area: r.get("area")?,
                activity: r.get("activity")?,
                checklist: r.get("checklist")?,
                frequency: r.get("frequency")?,
                start_month: r.get("start_month")?,
                responsible: r.get("responsible")?,
            })
        })?
        .collect::<crate::error::Result<Vec<_>>>()?;
    rows.into_iter().map(|r| build_item(conn, r)).collect()
}

fn insert_occurrences(
    conn: &crate::db::Db,
    item_id: i64,
    year: i32,
    freq: Frequency,
    start: u32,
) -> Result<usize> {
    let mut n = 0;
    for m in occurrence_months(freq, start)? {
        let (first, last) = month_bounds(year, m);
        // pg: `INSERT OR IGNORE` → `… ON CONFLICT DO NOTHING` (rewritten by the Pg backend).
        n += conn.execute(
            "INSERT OR IGNORE INTO maintenance_occurrences(item_id, year, month, scheduled_on, due_on)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                item_id,
                year,
                m,
                first.format("%Y-%m-%d").to_string(),
                last.format("%Y-%m-%d").to_string()
            ],
        )?;
    }
    Ok(n)
}

/// (occurrence id, item id, month, first performed_on) of a plan.
fn occurrences_of(conn: &crate::db::Db, plan: i64) -> Result<Vec<OccurrenceRow>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.item_id, o.month,
                (SELECT min(l.performed_on) FROM maintenance_logs l WHERE l.occurrence_id = o.id)
                  AS first_performed_on
         FROM maintenance_occurrences o JOIN maintenance_items i ON i.id = o.item_id
         WHERE i.plan_id = ?1 ORDER BY o.item_id, o.month",
    )?;
    let rows = stmt
        .query_map([plan], |r| {
            Ok((
                r.get("id")?,
                r.get("item_id")?,
                r.get("month")?,
                r.get("first_performed_on")?,
            ))
        })?
        .collect::<crate::error::Result<Vec<_>>>()?;
    Ok(rows)
}

fn pct(a: i64, b: i64) -> f64 {
    if b == 0 {
        0.0
    } else {
        ((a as f64) * 1000.0 / (b as f64)).round() / 10.0
    }
}

fn parse_day(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::validation(field, format!("«{s}» no es una fecha AAAA-MM-DD")))
}

impl Store {
    /// Creates the plan of a year (vigencia).
    pub fn create_plan(
        &mut self,
        year: i64,
        name: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Plan> {
        self.authorize(crate::people::Permission::Maintenance)?;
        if !(2000..=2100).contains(&year) {
            return Err(CoreError::validation(
                "vigencia",
                format!("«{year}» no es un año válido"),
            ));
        }
        let name =
            clean_opt(name).unwrap_or_else(|| format!("Plan de mantenimiento preventivo {year}"));
        let exists: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM maintenance_plans WHERE year = ?1",
            [year],
            |r| r.get(0),
        )?;
        if exists {
            return Err(CoreError::validation(
                "vigencia",
                format!("ya existe un plan de mantenimiento para {year}"),
            ));
        }
        self.write(actor, now, |tx| {
            tx.execute(
                "INSERT INTO maintenance_plans(year, name, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
                params![year, name, to_db(now), actor],
            )
        })?;
        self.plan(year)
    }

    pub fn plan(&self, year: i64) -> Result<Plan> {
        let id = plan_id(&self.conn, year)?;
        let (name, created_at, created_by): (String, String, String) = self.conn.query_row(
            "SELECT name, created_at, created_by FROM maintenance_plans WHERE id = ?1",
            [id],
            |r| Ok((r.get("name")?, r.get("created_at")?, r.get("created_by")?)),
        )?;
        Ok(Plan {
            year,
            name,
            created_at: from_db(&created_at)
                .map(to_rfc3339_local)
                .unwrap_or(created_at),
            created_by,
            items: load_items(&self.conn, id)?,
        })
    }

    /// Years that have a plan, newest first.
    pub fn plan_years(&self) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT year FROM maintenance_plans ORDER BY year DESC")?;
        let v = stmt
            .query_map([], |r| r.get(0))?
            .collect::<crate::error::Result<Vec<i64>>>()?;
        Ok(v)
    }

    /// Adds an item to a year's plan and generates its occurrences (one transaction).
    pub fn add_plan_item(
        &mut self,
        year: i64,
        input: &NewPlanItem,
        now: DateTime<Utc>,
    ) -> Result<PlanItem> {
        self.authorize(crate::people::Permission::Maintenance)?;
        let pid = plan_id(&self.conn, year)?;
        let activity = clean(&input.activity);
        if activity.is_empty() {
            return Err(CoreError::validation("actividad", "es obligatoria"));
        }
        let responsible = clean(&input.responsible);
        if responsible.is_empty() {
            return Err(CoreError::validation("responsable", "es obligatorio"));
        }
        let start = u32::try_from(input.start_month).unwrap_or(0);
        occurrence_months(input.frequency, start)?;
        let checklist: Vec<String> = input
            .checklist
            .iter()
            .map(|s| clean(s))
            .filter(|s| !s.is_empty())
            .collect();
        let (target, asset_id, gkind, gdep, area) = match &input.target {
            PlanTarget::Asset { tag } => {
                let (id, a) = find_asset(&self.conn, tag)?;
                if a.status == crate::assets::AssetStatus::Decommissioned {
                    return Err(CoreError::validation(
                        "equipo",
                        format!("{} está dado de baja", a.tag),
                    ));
                }
                ("asset", Some(id), None, None, None)
            }
            PlanTarget::Group { kind, department } => {
                let k = clean_opt(kind.as_deref());
                let d = clean_opt(department.as_deref());
                if k.is_none() && d.is_none() {
                    return Err(CoreError::validation(
                        "grupo",
                        "indique el tipo de equipo y/o la dependencia del grupo",
                    ));
                }
                ("group", None, k, d, None)
            }
            PlanTarget::Area { area } => {
                let a = clean(area);
                if a.is_empty() {
                    return Err(CoreError::validation("área", "es obligatoria"));
                }
                // Use the catalog spelling when it matches.
                let a = INFRA_AREAS
                    .iter()
                    .find(|x| fold(x) == fold(&a))
                    .map(|x| x.to_string())
                    .unwrap_or(a);
                ("area", None, None, None, Some(a))
            }
        };
        let tx = crate::store::session_write_tx(&mut self.conn, &self.audit)?;
        let position: i64 = tx.query_row(
            "SELECT coalesce(max(position), 0) + 1 FROM maintenance_items WHERE plan_id = ?1",
            [pid],
            |r| r.get(0),
        )?;
        let id: i64 = tx.query_row(
            "INSERT INTO maintenance_items(plan_id, position, target, asset_id, group_kind,
                group_department, area, activity, checklist, frequency, start_month, responsible,
                created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
            params![
                pid,
                position,
                target,
                asset_id,
                gkind,
                gdep,
                area,
                activity,
                serde_json::to_string(&checklist)?,
                input.frequency.as_str(),
                input.start_month,
                responsible,
                to_db(now)
            ],
            |r| r.get("id"),
        )?;
        insert_occurrences(&tx, id, year as i32, input.frequency, start)?;
        tx.commit()?;
        let items = load_items(&self.conn, pid)?;
        Ok(items
            .into_iter()
            .find(|i| i.id == id)
            .expect("item just inserted"))
    }

    /// (Re)generates the missing occurrences of every item of a year's plan; idempotent.
    /// Returns how many were created.
    pub fn generate_occurrences(&mut self, year: i64) -> Result<usize> {
        self.authorize(crate::people::Permission::Maintenance)?;
        let pid = plan_id(&self.conn, year)?;
        let items = load_items(&self.conn, pid)?;
        let tx = crate::store::session_write_tx(&mut self.conn, &self.audit)?;
        let mut n = 0;
        for it in &items {
            n += insert_occurrences(&tx, it.id, year as i32, it.frequency, it.start_month as u32)?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Compliance of a year's plan up to `upto` (inclusive).
    pub fn maintenance_compliance(&self, year: i64, upto: NaiveDate) -> Result<Compliance> {
        let pid = plan_id(&self.conn, year)?;
        let upto_s = upto.format("%Y-%m-%d").to_string();
        let mut programmed = 0;
        let mut executed = 0;
        let mut on_time = 0;
        for (_, _, month, first) in occurrences_of(&self.conn, pid)? {
            let (start, end) = month_bounds(year as i32, month as u32);
            if start > upto {
                continue;
            }
            programmed += 1;
            if let Some(f) = first.filter(|f| *f <= upto_s) {
                executed += 1;
                if let Ok(d) = parse_day("fecha", &f) {
                    if d >= start && d <= end {
                        on_time += 1;
                    }
                }
            }
        }
        Ok(Compliance {
            year,
            upto: upto_s,
            programmed,
            executed,
            on_time,
            pct_executed: pct(executed, programmed),
            pct_on_time: pct(on_time, programmed),
        })
    }

    /// The year as a grid: one row per item, 12 months with P/E; compliance up to `now`
    /// (or the year's end for a past year).
    pub fn cronograma(&self, year: i64, now: DateTime<Utc>) -> Result<Cronograma> {
        let plan = self.plan(year)?;
        let pid = plan_id(&self.conn, year)?;
        let today = today(now);
        let occ = occurrences_of(&self.conn, pid)?;
        // Logs of this plan's occurrences: item → [(month performed, log id, occurrence month)].
        let mut stmt = self.conn.prepare(
            "SELECT o.item_id, l.performed_on, l.id, o.month FROM maintenance_logs l
             JOIN maintenance_occurrences o ON o.id = l.occurrence_id
             JOIN maintenance_items i ON i.id = o.item_id
             WHERE i.plan_id = ?1 ORDER BY l.performed_on, l.id",
        )?;
        let mut logs: BTreeMap<i64, Vec<(String, i64, i64)>> = BTreeMap::new();
        for r in stmt.query_map([pid], |r| {
            Ok((
                r.get::<_, i64>("item_id")?,
                r.get::<_, String>("performed_on")?,
                r.get::<_, i64>("id")?,
                r.get::<_, i64>("month")?,
            ))
        })? {
            let (item, on, id, m) = r?;
            logs.entry(item).or_default().push((on, id, m));
        }
        let mut rows = vec![];
        for item in plan.items {
            let mut cells: Vec<CronogramaCell> = (1..=12)
                .map(|m| CronogramaCell {
                    month: m,
                    state: CellState::None,
                    mark: String::new(),
                    occurrence_id: None,
                    log_ids: vec![],
                })
                .collect();
            for (oid, _, month, first) in occ.iter().filter(|o| o.1 == item.id) {
                let c = &mut cells[(*month - 1) as usize];
                c.occurrence_id = Some(*oid);
                let (_, end) = month_bounds(year as i32, *month as u32);
                c.state = match first {
                    Some(_) => CellState::Moved, // fixed below when executed in this month
                    None if end < today => CellState::Overdue,
                    None => CellState::Programmed,
                };
            }
            for (on, id, occ_month) in logs.get(&item.id).into_iter().flatten() {
                let Ok(d) = parse_day("fecha", on) else {
                    continue;
                };
                if d.year() as i64 != year {
                    continue;
                }
                let c = &mut cells[(d.month() - 1) as usize];
                c.log_ids.push(*id);
                c.state = if d.month() as i64 == *occ_month || c.state == CellState::Executed {
                    CellState::Executed
                } else {
                    CellState::ExecutedOutOfMonth
                };
            }
            for c in &mut cells {
                c.mark = c.state.mark().to_string();
            }
            rows.push(CronogramaRow { item, cells });
        }
        let upto = if (today.year() as i64) > year {
            NaiveDate::from_ymd_opt(year as i32, 12, 31).expect("valid")
        } else {
            today
        };
        Ok(Cronograma {
            year,
            plan_name: plan.name,
            rows,
            compliance: self.maintenance_compliance(year, upto)?,
        })
    }

    /// Records a log entry (bitácora). With `occurrence_id` it executes that occurrence; with
    /// `open_case` it also opens a corrective case linked to it. Adds the maintenance to the
    /// life record of each equipment involved.
    ///
    /// The case is registered first (its own numbering transaction, after every check of the
    /// log passed), then the log and the history entries in one transaction.
    pub fn create_log(
        &mut self,
        input: &NewLog,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<MaintenanceLog> {
        self.authorize(crate::people::Permission::Maintenance)?;
        // --- validate everything before writing anything ---
        let performed_on = date_or_today("fecha de ejecución", input.performed_on.as_deref(), now)?;
        let performed_day = parse_day("fecha de ejecución", &performed_on)?;
        if performed_day > today(now) {
            return Err(CoreError::validation(
                "fecha de ejecución",
                "no puede ser posterior a hoy",
            ));
        }
        let performed_by =
            clean_opt(input.performed_by.as_deref()).unwrap_or_else(|| actor.to_string());
        let mut assets: Vec<(i64, String, Option<String>)> = vec![]; // id, tag, department
        for t in &input.asset_tags {
            if t.trim().is_empty() {
                continue;
            }
            let (id, a) = find_asset(&self.conn, t)?;
            if !assets.iter().any(|x| x.0 == id) {
                assets.push((id, a.tag, a.department));
            }
        }
        let mut area = clean_opt(input.area.as_deref());
        let (occurrence, item) = match input.occurrence_id {
            Some(oid) => {
                let item_id: i64 = self
                    .conn
                    .query_row(
                        "SELECT item_id FROM maintenance_occurrences WHERE id = ?1",
                        [oid],
                        |r| r.get(0),
                    )
                    .optional()?
                    .ok_or(CoreError::MaintenanceNotFound {
                        what: "la actividad programada",
                        id: oid.to_string(),
                    })?;
                let year: i64 = self.conn.query_row(
                    "SELECT p.year FROM maintenance_items i JOIN maintenance_plans p ON p.id = i.plan_id
                     WHERE i.id = ?1",
                    [item_id],
                    |r| r.get(0),
                )?;
                let item = self
                    .plan(year)?
                    .items
                    .into_iter()
                    .find(|i| i.id == item_id)
                    .expect("item of its plan");
                (Some(oid), Some(item))
            }
            None => (None, None),
        };
        if let Some(item) = &item {
            match &item.target {
                PlanTarget::Asset { tag } => {
                    if assets.is_empty() {
                        let (id, a) = find_asset(&self.conn, tag)?;
                        assets.push((id, a.tag, a.department));
                    }
                }
                PlanTarget::Group { kind, department } => {
                    if assets.is_empty() {
                        for (id, tag) in
                            group_assets(&self.conn, kind.as_deref(), department.as_deref())?
                        {
                            let a = find_asset(&self.conn, &tag)?.1;
                            assets.push((id, tag, a.department));
                        }
                    }
                }
                PlanTarget::Area { area: a } => {
                    area = area.or(Some(a.clone()));
                }
            }
        }
        let kind = match clean_opt(input.kind.as_deref()) {
            Some(k) => {
                let f = fold(&k);
                let k = match f.as_str() {
                    "preventivo" | "preventiva" => "preventive".to_string(),
                    "correctivo" | "correctiva" => "corrective".to_string(),
                    "monitoreo" => "monitoring".to_string(),
                    "otro" => "other".to_string(),
                    _ => f,
                };
                if !LOG_KINDS.contains(&k.as_str()) {
                    return Err(CoreError::validation(
                        "tipo de bitácora",
                        format!(
                            "«{k}» no es válido; use preventive, corrective, monitoring u other"
                        ),
                    ));
                }
                k
            }
            None if occurrence.is_some() => "preventive".into(),
            None => "monitoring".into(),
        };
        let activity = clean_opt(input.activity.as_deref())
            .or(item.as_ref().map(|i| i.activity.clone()))
            .ok_or_else(|| CoreError::validation("actividad", "describa lo que se hizo"))?;
        if occurrence.is_none() && assets.is_empty() && area.is_none() {
            return Err(CoreError::validation(
                "bitácora",
                "indique el equipo (placa), el área o la actividad programada",
            ));
        }
        let checklist: Vec<ChecklistResult> = input
            .checklist
            .iter()
            .filter(|c| !c.item.trim().is_empty())
            .map(|c| ChecklistResult {
                item: clean(&c.item),
                ok: c.ok,
                note: clean_opt(c.note.as_deref()),
            })
            .collect();
        let open_case = clean_opt(input.open_case.as_deref());

        // --- the corrective case, if asked ---
        let ticket_number = match &open_case {
            Some(desc) => {
                let first = assets.first();
                let service_type: Option<String> = self
                    .conn
                    .query_row(
                        "SELECT name FROM service_types WHERE name = 'Mantenimiento de equipos de cómputo' AND active = 1",
                        [],
                        |r| r.get(0),
                    )
                    .optional()?;
                let t = self.create_ticket(
                    &NewTicket {
                        requester: performed_by.clone(),
                        department: first
                            .and_then(|a| a.2.clone())
                            .unwrap_or_else(|| "Sistemas".into()),
                        description: desc.clone(),
                        channel: Some("aplicativo".into()),
                        service_type: if first.is_some() { service_type } else { None },
                        asset_tag: first.map(|a| a.1.clone()),
                        ..Default::default()
                    },
                    actor,
                    now,
                )?;
                Some(t.number)
            }
            None => None,
        };

        // --- the log and the life-record entries, in one transaction ---
        let at = to_db(now);
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let single_asset = if assets.len() == 1 {
            Some(assets[0].0)
        } else {
            None
        };
        let log_id: i64 = tx.query_row(
            "INSERT INTO maintenance_logs(occurrence_id, asset_id, area, kind, performed_on,
                performed_by, activity, checklist, findings, parts_used, next_actions, ticket_number,
                created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
            params![
                occurrence,
                single_asset,
                area,
                kind,
                performed_on,
                performed_by,
                activity,
                serde_json::to_string(&checklist)?,
                clean_opt(input.findings.as_deref()),
                clean_opt(input.parts_used.as_deref()),
                clean_opt(input.next_actions.as_deref()),
                ticket_number,
                at,
                actor
            ], |r| r.get("id"))?;
        let event_kind = match kind.as_str() {
            "preventive" => "preventive",
            "corrective" => "corrective",
            _ => "note",
        };
        let mut desc = activity.clone();
        if let Some(f) = clean_opt(input.findings.as_deref()) {
            desc.push_str(&format!(". Hallazgos: {f}"));
        }
        for (id, _, _) in &assets {
            add_asset_event(
                &tx,
                *id,
                &at,
                &performed_on,
                &performed_by,
                EventRow {
                    kind: event_kind,
                    description: Some(desc.clone()),
                    part: clean_opt(input.parts_used.as_deref()),
                    ticket_number: ticket_number.clone(),
                    log_id: Some(log_id),
                    ..Default::default()
                },
            )?;
        }
        tx.commit()?;
        self.log(log_id)
    }

    /// The engineer verifies a log entry against the technical specification.
    pub fn verify_log(
        &mut self,
        id: i64,
        engineer: &str,
        note: Option<&str>,
        justification: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<MaintenanceLog> {
        self.authorize(crate::people::Permission::MaintenanceVerify)?;
        let log = self.log(id)?;
        if log.verified_by.is_some() {
            return Err(CoreError::validation(
                "verificación",
                format!("la bitácora {id} ya fue verificada"),
            ));
        }
        let engineer = self.checker_name(&clean(engineer));
        if engineer.is_empty() {
            return Err(CoreError::validation(
                "verificó",
                "indique el ingeniero que verifica",
            ));
        }
        let what = format!("quien ejecutó o registró la bitácora {id} no puede verificarla");
        let sod = match self.separate_duties(&what, &log.performed_by, &engineer, justification)? {
            Some(j) => Some(j),
            None => self.separate_duties(&what, &log.created_by, &engineer, justification)?,
        };
        self.write(&engineer, now, |tx| {
            tx.execute(
                "UPDATE maintenance_logs SET verified_by = ?2, verified_at = ?3, verification_note = ?4,
                    sod_justification = ?5
                 WHERE id = ?1",
                params![id, engineer, to_db(now), clean_opt(note), sod],
            )
        })?;
        self.log(id)
    }

    pub fn log(&self, id: i64) -> Result<MaintenanceLog> {
        self.query_logs("l.id = ?1", &[&id])?
            .pop()
            .ok_or(CoreError::MaintenanceNotFound {
                what: "la bitácora",
                id: id.to_string(),
            })
    }

    pub fn list_logs(&self, q: &LogQuery) -> Result<Vec<MaintenanceLog>> {
        let mut conds = vec!["1=1".to_string()];
        let mut args: Vec<Box<dyn crate::db::ToSqlValue>> = vec![];
        if let Some(y) = q.year {
            args.push(Box::new(format!("{y:04}-%")));
            conds.push(format!("l.performed_on LIKE ?{}", args.len()));
        }
        if let Some(t) = clean_opt(q.asset_tag.as_deref()) {
            let (id, _) = find_asset(&self.conn, &t)?;
            args.push(Box::new(id));
            conds.push(format!(
                "(l.asset_id = ?{n} OR l.id IN (SELECT log_id FROM asset_events WHERE asset_id = ?{n} AND log_id IS NOT NULL))",
                n = args.len()
            ));
        }
        if let Some(o) = q.occurrence_id {
            args.push(Box::new(o));
            conds.push(format!("l.occurrence_id = ?{}", args.len()));
        }
        if let Some(f) = clean_opt(q.from.as_deref()) {
            parse_day("desde", &f)?;
            args.push(Box::new(f));
            conds.push(format!("l.performed_on >= ?{}", args.len()));
        }
        if let Some(t) = clean_opt(q.to.as_deref()) {
            parse_day("hasta", &t)?;
            args.push(Box::new(t));
            conds.push(format!("l.performed_on <= ?{}", args.len()));
        }
        if q.unverified_only {
            conds.push("l.verified_by IS NULL".into());
        }
        let refs: Vec<&dyn crate::db::ToSqlValue> = args.iter().map(|b| b.as_ref()).collect();
        self.query_logs(&conds.join(" AND "), &refs)
    }

    fn query_logs(
        &self,
        cond: &str,
        args: &[&dyn crate::db::ToSqlValue],
    ) -> Result<Vec<MaintenanceLog>> {
        let sql = format!(
            "SELECT l.id, l.occurrence_id, p.year AS plan_year, o.month AS programmed_month,
                    coalesce(a.tag_display, a.tag) AS asset_tag, l.area, l.kind, l.performed_on, l.performed_by, l.activity,
                    l.checklist, l.findings, l.parts_used, l.next_actions, l.ticket_number,
                    l.verified_by, l.verified_at, l.verification_note, l.created_at, l.created_by,
                    o.item_id, a.kind AS asset_kind
             FROM maintenance_logs l
             LEFT JOIN maintenance_occurrences o ON o.id = l.occurrence_id
             LEFT JOIN maintenance_items i ON i.id = o.item_id
             LEFT JOIN maintenance_plans p ON p.id = i.plan_id
             LEFT JOIN assets a ON a.id = l.asset_id
             WHERE {cond} ORDER BY l.performed_on DESC, l.id DESC"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let raw = stmt
            .query_map(args, LogRow::from_row)?
            .collect::<crate::error::Result<Vec<_>>>()?;
        let mut labels: BTreeMap<i64, String> = BTreeMap::new();
        let mut out = vec![];
        for r in raw {
            let LogRow {
                id,
                occurrence_id,
                plan_year,
                programmed_month: month,
                asset_tag: tag,
                area,
                kind,
                performed_on,
                performed_by,
                activity,
                checklist,
                findings,
                parts_used,
                next_actions,
                ticket_number: ticket,
                verified_by,
                verified_at,
                verification_note: vnote,
                created_at,
                created_by,
                item_id,
                asset_kind: akind,
            } = r;
            let target_label = if let Some(t) = &tag {
                format!("{} {t}", akind.unwrap_or_default())
                    .trim()
                    .to_string()
            } else if let (Some(iid), Some(y)) = (item_id, plan_year) {
                if let std::collections::btree_map::Entry::Vacant(e) = labels.entry(iid) {
                    if let Some(it) = self.plan(y)?.items.into_iter().find(|i| i.id == iid) {
                        e.insert(it.label);
                    }
                }
                labels.get(&iid).cloned().unwrap_or_default()
            } else {
                area.clone().unwrap_or_default()
            };
            let on_time = match (plan_year, month) {
                (Some(y), Some(m)) => {
                    let (s, e) = month_bounds(y as i32, m as u32);
                    parse_day("fecha", &performed_on)
                        .ok()
                        .map(|d| d >= s && d <= e)
                }
                _ => None,
            };
            out.push(MaintenanceLog {
                id,
                occurrence_id,
                plan_year,
                programmed_month: month,
                asset_tag: tag,
                area,
                target_label,
                kind,
                performed_on,
                performed_by,
                activity,
                checklist: serde_json::from_str(&checklist).unwrap_or_default(),
                findings,
                parts_used,
                next_actions,
                ticket_number: ticket,
                verified_by,
                verified_at: verified_at
                    .and_then(|s| from_db(&s).ok())
                    .map(to_rfc3339_local),
                verification_note: vnote,
                on_time,
                created_at: from_db(&created_at)
                    .map(to_rfc3339_local)
                    .unwrap_or(created_at),
                created_by,
            });
        }
        Ok(out)
    }

    /// Maintenance due this week and overdue (home dashboard). Looks at every plan.
    pub fn maintenance_due(&self, now: DateTime<Utc>) -> Result<MaintenanceDue> {
        let today = today(now);
        let week_end = today + Duration::days(6 - today.weekday().num_days_from_monday() as i64);
        let today_s = today.format("%Y-%m-%d").to_string();
        let week_s = week_end.format("%Y-%m-%d").to_string();
        let mut stmt = self.conn.prepare(
            "SELECT o.id, o.year, o.month, o.scheduled_on, o.due_on, i.id AS item_id,
                    p.year AS plan_year, i.activity, i.responsible
             FROM maintenance_occurrences o
             JOIN maintenance_items i ON i.id = o.item_id
             JOIN maintenance_plans p ON p.id = i.plan_id
             WHERE o.scheduled_on <= ?1
               AND NOT EXISTS (SELECT 1 FROM maintenance_logs l WHERE l.occurrence_id = o.id)
             ORDER BY o.due_on, i.position",
        )?;
        let rows = stmt
            .query_map([&week_s], |r| {
                Ok((
                    r.get::<_, i64>("id")?,
                    r.get::<_, i64>("year")?,
                    r.get::<_, i64>("month")?,
                    r.get::<_, String>("scheduled_on")?,
                    r.get::<_, String>("due_on")?,
                    r.get::<_, i64>("item_id")?,
                    r.get::<_, i64>("plan_year")?,
                    r.get::<_, String>("activity")?,
                    r.get::<_, String>("responsible")?,
                ))
            })?
            .collect::<crate::error::Result<Vec<_>>>()?;
        let mut labels: BTreeMap<i64, String> = BTreeMap::new();
        let mut due = MaintenanceDue {
            due_this_week: vec![],
            overdue: vec![],
        };
        for (oid, year, month, scheduled_on, due_on, item, pyear, activity, responsible) in rows {
            if !labels.contains_key(&item) {
                for it in self.plan(pyear)?.items {
                    labels.insert(it.id, it.label);
                }
            }
            let overdue = due_on < today_s;
            let d = DueOccurrence {
                occurrence_id: oid,
                year,
                month,
                scheduled_on,
                due_on,
                label: labels.get(&item).cloned().unwrap_or_default(),
                activity,
                responsible,
                overdue,
            };
            if overdue {
                due.overdue.push(d);
            } else {
                due.due_this_week.push(d);
            }
        }
        Ok(due)
    }
}

/// Asset tag accepted by logs and items typed in any form.
pub fn tag_key(s: &str) -> Option<String> {
    normalize_tag(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_for_each_frequency() {
        use Frequency::*;
        assert_eq!(
            occurrence_months(Monthly, 1).unwrap(),
            (1..=12).collect::<Vec<_>>()
        );
        assert_eq!(occurrence_months(Monthly, 10).unwrap(), vec![10, 11, 12]);
        assert_eq!(
            occurrence_months(Bimonthly, 1).unwrap(),
            vec![1, 3, 5, 7, 9, 11]
        );
        assert_eq!(
            occurrence_months(Bimonthly, 2).unwrap(),
            vec![2, 4, 6, 8, 10, 12]
        );
        assert_eq!(occurrence_months(Quarterly, 1).unwrap(), vec![1, 4, 7, 10]);
        assert_eq!(occurrence_months(Quarterly, 3).unwrap(), vec![3, 6, 9, 12]);
        assert_eq!(occurrence_months(Quarterly, 11).unwrap(), vec![11]);
        assert_eq!(occurrence_months(Semiannual, 2).unwrap(), vec![2, 8]);
        assert_eq!(occurrence_months(Semiannual, 7).unwrap(), vec![7]);
        assert_eq!(occurrence_months(Annual, 5).unwrap(), vec![5]);
        assert_eq!(occurrence_months(Annual, 12).unwrap(), vec![12]);
        assert!(occurrence_months(Annual, 0).is_err());
        assert!(occurrence_months(Monthly, 13).is_err());
    }

    #[test]
    fn frequency_parses_spanish() {
        assert_eq!(Frequency::parse("Trimestral"), Some(Frequency::Quarterly));
        assert_eq!(Frequency::parse("semiannual"), Some(Frequency::Semiannual));
        assert_eq!(Frequency::parse("quincenal"), None);
    }

    #[test]
    fn month_bounds_handle_december_and_february() {
        let (a, b) = month_bounds(2024, 2);
        assert_eq!((a.day(), b.day()), (1, 29));
        let (_, b) = month_bounds(2026, 12);
        assert_eq!(b, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    }
}
