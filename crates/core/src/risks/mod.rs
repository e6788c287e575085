//! Risk map (mapa de riesgos, issue 18; DAFP risk guide): the risks of the process (migration
//! 0016 seeds five of a help desk: editable, deletable), their controls, the inherent and
//! residual positions on the 5×5 heat map, treatment, action plan and monitoring dates, and the
//! app's own data shown beside a risk (`data_source`: last verified backup, SLA compliance of the
//! last three months, maintenance compliance). Scales, zones and weights are data in
//! [`scales`](mod@scales); the documents (PDF with the heat map drawn as vectors, XLSX) are in
//! [`documents`].

pub mod documents;
pub mod scales;

use crate::db::{params, Db, OptionalExt, Row};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{to_db, to_local};
use crate::error::{CoreError, Result};
use crate::reports::{fmt_num, Period};
use crate::store::Store;
use crate::text::{clean, clean_opt, fold};
pub use scales::{
    scales, ControlFrequency, ControlKind, ControlWeight, DataSource, Implementation, RiskOption,
    RiskScales, ScaleLevel, Treatment, Zone, ZoneInfo,
};

const MAX_CODE: usize = 20;
const MAX_TEXT: usize = 2000;
const MAX_SHORT: usize = 200;
/// A verified backup older than this many hours is shown as a warning beside the risk.
pub const BACKUP_MAX_AGE_HOURS: i64 = 48;

/// One control of a risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskControl {
    pub id: i64,
    /// Order of application (1, 2, …).
    pub position: i64,
    pub description: String,
    pub kind: ControlKind,
    pub implementation: Implementation,
    pub documented: bool,
    pub frequency: ControlFrequency,
    pub evidence: bool,
    pub responsible: Option<String>,
    /// Type + implementation weight, in percentage points.
    pub weight: i64,
}

/// What the app's own data says about a risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskData {
    pub source: DataSource,
    /// What is measured (e.g. «Última copia de seguridad verificada»).
    pub label: String,
    /// The figure, as shown (e.g. «hace 3 días (01/03/2026 08:00)»).
    pub value: String,
    /// `false` when the figure is a warning (no backup, backup too old), else `null`/`true`.
    pub ok: Option<bool>,
}

/// A risk with its positions, controls and data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Risk {
    pub id: i64,
    pub code: String,
    pub process: String,
    pub description: String,
    pub classification: String,
    pub causes: String,
    pub consequences: String,
    /// Inherent probability and impact, levels 1..=5.
    pub probability: i64,
    pub impact: i64,
    pub inherent_zone: Zone,
    pub residual_probability: i64,
    pub residual_impact: i64,
    /// Residual values in percent (two decimals) before rounding to a level.
    pub residual_probability_pct: f64,
    pub residual_impact_pct: f64,
    pub residual_zone: Zone,
    pub treatment: Treatment,
    pub plan_responsible: Option<String>,
    /// `YYYY-MM-DD`.
    pub plan_due: Option<String>,
    pub plan_description: Option<String>,
    /// An improvement-plan action this risk's plan is linked to (no foreign key).
    pub plan_action_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub next_review: Option<String>,
    pub last_review: Option<String>,
    /// The next review date is past («revisión vencida»).
    pub review_overdue: bool,
    pub data_source: DataSource,
    pub data: Option<RiskData>,
    pub controls: Vec<RiskControl>,
    pub updated_by: String,
    /// UTC, storage form.
    pub updated_at: String,
}

/// Create / edit a risk (every field; the CLI's `risk set` reads the risk and changes some).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskInput {
    /// Empty when creating: the next free `R-NN`.
    pub code: Option<String>,
    /// Empty: «Gestión de TIC — Mesa de ayuda».
    pub process: Option<String>,
    pub description: String,
    pub classification: String,
    pub causes: String,
    pub consequences: String,
    pub probability: i64,
    pub impact: i64,
    /// `accept` | `reduce` | `avoid` | `share` (null: reduce).
    pub treatment: Option<Treatment>,
    pub plan_responsible: Option<String>,
    /// `YYYY-MM-DD` or `dd/mm/aaaa`.
    pub plan_due: Option<String>,
    pub plan_description: Option<String>,
    pub plan_action_id: Option<i64>,
    pub next_review: Option<String>,
    pub last_review: Option<String>,
    /// null: none.
    pub data_source: Option<DataSource>,
}

/// Add / edit a control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ControlInput {
    pub description: String,
    pub kind: ControlKind,
    pub implementation: Implementation,
    pub documented: bool,
    pub frequency: ControlFrequency,
    pub evidence: bool,
    pub responsible: Option<String>,
}

/// One cell of the heat map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HeatCell {
    pub probability: i64,
    pub impact: i64,
    pub zone: Zone,
    /// Codes of the risks whose inherent position is this cell.
    pub inherent: Vec<String>,
    /// Codes of the risks whose residual position is this cell.
    pub residual: Vec<String>,
}

/// The risk map: every risk and the 25 cells (probability 5 → 1, impact 1 → 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskMap {
    pub risks: Vec<Risk>,
    pub cells: Vec<HeatCell>,
}

pub const DEFAULT_PROCESS: &str = "Gestión de TIC — Mesa de ayuda";

const RISK_COLUMNS: &str = "id, code, process, description, classification, causes, \
    consequences, probability, impact, treatment, plan_responsible, plan_due, plan_description, \
    plan_action_id, next_review, last_review, data_source, updated_by, updated_at";
const CONTROL_COLUMNS: &str = "id, position, description, kind, implementation, documented, \
    frequency, evidence, responsible";

fn unknown(column: &'static str, value: &str) -> CoreError {
    CoreError::UnknownStoredValue {
        column,
        value: value.to_string(),
    }
}

fn stored<T>(
    column: &'static str,
    s: String,
    parse: fn(&str) -> Option<T>,
) -> crate::error::Result<T> {
    parse(&s).ok_or_else(|| unknown(column, &s))
}

fn control_from_row(r: &Row<'_>) -> crate::error::Result<RiskControl> {
    let kind = stored("risk_controls.kind", r.get("kind")?, ControlKind::parse)?;
    let implementation = stored(
        "risk_controls.implementation",
        r.get("implementation")?,
        Implementation::parse,
    )?;
    Ok(RiskControl {
        id: r.get("id")?,
        position: r.get("position")?,
        description: r.get("description")?,
        kind,
        implementation,
        documented: r.get::<_, i64>("documented")? != 0,
        frequency: stored(
            "risk_controls.frequency",
            r.get("frequency")?,
            ControlFrequency::parse,
        )?,
        evidence: r.get::<_, i64>("evidence")? != 0,
        responsible: r.get("responsible")?,
        weight: kind.weight() + implementation.weight(),
    })
}

/// The stored part of a risk, before positions and data are computed.
fn risk_from_row(r: &Row<'_>) -> crate::error::Result<Risk> {
    let probability: i64 = r.get("probability")?;
    let impact: i64 = r.get("impact")?;
    Ok(Risk {
        id: r.get("id")?,
        code: r.get("code")?,
        process: r.get("process")?,
        description: r.get("description")?,
        classification: r.get("classification")?,
        causes: r.get("causes")?,
        consequences: r.get("consequences")?,
        probability,
        impact,
        inherent_zone: scales::zone(probability, impact),
        residual_probability: probability,
        residual_impact: impact,
        residual_probability_pct: (probability * 20) as f64,
        residual_impact_pct: (impact * 20) as f64,
        residual_zone: scales::zone(probability, impact),
        treatment: stored("risks.treatment", r.get("treatment")?, Treatment::parse)?,
        plan_responsible: r.get("plan_responsible")?,
        plan_due: r.get("plan_due")?,
        plan_description: r.get("plan_description")?,
        plan_action_id: r.get("plan_action_id")?,
        next_review: r.get("next_review")?,
        last_review: r.get("last_review")?,
        review_overdue: false,
        data_source: stored(
            "risks.data_source",
            r.get("data_source")?,
            DataSource::parse,
        )?,
        data: None,
        controls: vec![],
        updated_by: r.get("updated_by")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Computes the residual position from the controls and the overdue review.
fn complete(risk: &mut Risk, today: NaiveDate) {
    let weights: Vec<ControlWeight> = risk
        .controls
        .iter()
        .map(|c| ControlWeight {
            kind: c.kind,
            implementation: c.implementation,
        })
        .collect();
    let r = scales::residual(risk.probability, risk.impact, &weights);
    risk.residual_probability = r.probability;
    risk.residual_impact = r.impact;
    risk.residual_probability_pct = r.probability_pct;
    risk.residual_impact_pct = r.impact_pct;
    risk.residual_zone = scales::zone(r.probability, r.impact);
    risk.review_overdue = risk
        .next_review
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .is_some_and(|d| d < today);
}

/// `YYYY-MM-DD` or `dd/mm/aaaa` → `YYYY-MM-DD`; empty → None.
fn day(field: &str, s: Option<&str>) -> Result<Option<String>> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map(|d| Some(d.format("%Y-%m-%d").to_string()))
        .map_err(|_| CoreError::validation(field, format!("«{s}» no es una fecha; use dd/mm/aaaa")))
}

fn level(field: &str, v: i64) -> Result<i64> {
    if (1..=5).contains(&v) {
        Ok(v)
    } else {
        Err(CoreError::validation(
            field,
            format!("debe ser un nivel de 1 a 5, no {v}"),
        ))
    }
}

fn limited(field: &str, s: &str, max: usize, required: bool) -> Result<String> {
    let s = clean(s);
    if required && s.is_empty() {
        return Err(CoreError::validation(field, "es obligatorio"));
    }
    if s.chars().count() > max {
        return Err(CoreError::validation(
            field,
            format!("admite hasta {max} caracteres"),
        ));
    }
    Ok(s)
}

fn limited_opt(field: &str, s: Option<&str>, max: usize) -> Result<Option<String>> {
    let s = clean_opt(s);
    if let Some(v) = &s {
        limited(field, v, max, false)?;
    }
    Ok(s)
}

/// A risk input checked and normalised.
struct CleanRisk {
    code: Option<String>,
    process: String,
    description: String,
    classification: String,
    causes: String,
    consequences: String,
    probability: i64,
    impact: i64,
    treatment: Treatment,
    plan_responsible: Option<String>,
    plan_due: Option<String>,
    plan_description: Option<String>,
    plan_action_id: Option<i64>,
    next_review: Option<String>,
    last_review: Option<String>,
    data_source: DataSource,
}

fn check_risk(i: &RiskInput) -> Result<CleanRisk> {
    let code = match clean_opt(i.code.as_deref()) {
        Some(c) => {
            let c = c.to_uppercase();
            if c.chars().count() > MAX_CODE || c.chars().any(char::is_whitespace) {
                return Err(CoreError::validation(
                    "código",
                    format!("«{c}»: hasta {MAX_CODE} caracteres, sin espacios (p. ej. R-06)"),
                ));
            }
            Some(c)
        }
        None => None,
    };
    let description = limited("descripción del riesgo", &i.description, MAX_TEXT, true)?;
    let f = fold(&description);
    if !f.starts_with("posibilidad de") || !f.contains("debido a") {
        return Err(CoreError::validation(
            "descripción del riesgo",
            "redáctela como la guía del DAFP: «Posibilidad de (impacto) debido a (causa \
             inmediata) por (causa raíz)»",
        ));
    }
    if let Some(id) = i.plan_action_id {
        if id <= 0 {
            return Err(CoreError::validation(
                "acción del plan de mejoramiento",
                format!("«{id}» no es un número de acción"),
            ));
        }
    }
    Ok(CleanRisk {
        code,
        process: clean_opt(i.process.as_deref())
            .map(|p| limited("proceso", &p, MAX_SHORT, true))
            .transpose()?
            .unwrap_or_else(|| DEFAULT_PROCESS.to_string()),
        description,
        classification: limited("clasificación", &i.classification, MAX_SHORT, true)?,
        causes: limited("causas", &i.causes, MAX_TEXT, false)?,
        consequences: limited("consecuencias", &i.consequences, MAX_TEXT, false)?,
        probability: level("probabilidad inherente", i.probability)?,
        impact: level("impacto inherente", i.impact)?,
        treatment: i.treatment.unwrap_or(Treatment::Reduce),
        plan_responsible: limited_opt(
            "responsable del plan",
            i.plan_responsible.as_deref(),
            MAX_SHORT,
        )?,
        plan_due: day("fecha del plan de acción", i.plan_due.as_deref())?,
        plan_description: limited_opt(
            "descripción del plan de acción",
            i.plan_description.as_deref(),
            MAX_TEXT,
        )?,
        plan_action_id: i.plan_action_id,
        next_review: day("próxima revisión", i.next_review.as_deref())?,
        last_review: day("última revisión", i.last_review.as_deref())?,
        data_source: i.data_source.unwrap_or(DataSource::None),
    })
}

fn check_control(c: &ControlInput) -> Result<ControlInput> {
    Ok(ControlInput {
        description: limited("descripción del control", &c.description, MAX_TEXT, true)?,
        responsible: limited_opt(
            "responsable del control",
            c.responsible.as_deref(),
            MAX_SHORT,
        )?,
        ..c.clone()
    })
}

fn not_found(code: &str) -> CoreError {
    CoreError::validation("código", format!("no existe el riesgo «{code}»"))
}

fn risk_id(tx: &Db, code: &str) -> Result<i64> {
    tx.query_row(
        "SELECT id FROM risks WHERE code = ?1",
        [code.trim().to_uppercase()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| not_found(code))
}

/// The next free `R-NN` code.
fn next_code(tx: &Db) -> Result<String> {
    let mut stmt = tx.prepare("SELECT code FROM risks")?;
    let codes = stmt.query_map([], |r| r.get::<_, String>("code"))?;
    let mut max = 0;
    for c in codes {
        let c = c?;
        if let Some(n) = c.strip_prefix("R-").and_then(|n| n.parse::<i64>().ok()) {
            max = max.max(n);
        }
    }
    Ok(format!("R-{:02}", max + 1))
}

fn code_taken(tx: &Db, code: &str, except: Option<i64>) -> Result<()> {
    let other: Option<i64> = tx
        .query_row("SELECT id FROM risks WHERE code = ?1", [code], |r| r.get(0))
        .optional()?;
    if other.is_some() && other != except {
        return Err(CoreError::validation(
            "código",
            format!("ya existe un riesgo con el código «{code}»"),
        ));
    }
    Ok(())
}

impl Store {
    /// Every risk, ordered by code, with residual positions and the app's data beside them.
    pub fn risks(&self, now: DateTime<Utc>) -> Result<Vec<Risk>> {
        let today = to_local(now).date();
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {RISK_COLUMNS} FROM risks ORDER BY code"))?;
        let mut risks = stmt
            .query_map([], risk_from_row)?
            .collect::<crate::error::Result<Vec<_>>>()?;
        let mut cstmt = self.conn.prepare(&format!(
            "SELECT {CONTROL_COLUMNS} FROM risk_controls WHERE risk_id = ?1 ORDER BY position"
        ))?;
        for r in &mut risks {
            r.controls = cstmt
                .query_map([r.id], control_from_row)?
                .collect::<crate::error::Result<Vec<_>>>()?;
            complete(r, today);
            r.data = self.risk_data(r.data_source, now);
        }
        Ok(risks)
    }

    /// One risk by code.
    pub fn risk(&self, code: &str, now: DateTime<Utc>) -> Result<Risk> {
        let code = code.trim().to_uppercase();
        self.risks(now)?
            .into_iter()
            .find(|r| r.code == code)
            .ok_or_else(|| not_found(&code))
    }

    /// Every risk and the 25 cells of the heat map.
    pub fn risk_map(&self, now: DateTime<Utc>) -> Result<RiskMap> {
        let risks = self.risks(now)?;
        let cells = heat_cells(&risks);
        Ok(RiskMap { risks, cells })
    }

    /// The app's data about a risk of `source`; a figure that cannot be computed says so
    /// instead of failing the list.
    pub fn risk_data(&self, source: DataSource, now: DateTime<Utc>) -> Option<RiskData> {
        let data = |label: &str, value: String, ok: Option<bool>| RiskData {
            source,
            label: label.to_string(),
            value,
            ok,
        };
        match source {
            DataSource::None => None,
            DataSource::Backups => {
                let label = "Última copia de seguridad verificada";
                let last = self.backups().ok().and_then(|b| b.into_iter().next());
                Some(match last {
                    None => data(label, "ninguna".into(), Some(false)),
                    Some(b) => match DateTime::parse_from_rfc3339(&b.created_at) {
                        Ok(t) => {
                            let t = t.with_timezone(&Utc);
                            let hours = (now - t).num_hours().max(0);
                            let age = if hours < 24 {
                                format!("hace {hours} h")
                            } else {
                                format!("hace {} días", hours / 24)
                            };
                            data(
                                label,
                                format!("{age} ({})", to_local(t).format("%d/%m/%Y %H:%M")),
                                Some(hours <= BACKUP_MAX_AGE_HOURS),
                            )
                        }
                        Err(_) => data(label, b.created_at.clone(), None),
                    },
                })
            }
            DataSource::Sla => {
                let label = "Casos atendidos y solucionados a tiempo (últimos 3 meses)";
                let today = to_local(now).date();
                let first = today
                    .with_day(1)
                    .and_then(|d| d.checked_sub_months(Months::new(2)))
                    .unwrap_or(today);
                let period = Period {
                    from: first,
                    to: today,
                };
                Some(match self.indicators(period, now) {
                    Ok(ind) => {
                        let pct = |p: Option<f64>| match p {
                            Some(_) => format!("{} %", fmt_num(p, 1)),
                            None => "sin casos".into(),
                        };
                        data(
                            label,
                            format!(
                                "respuesta {} · solución {} ({} a {})",
                                pct(ind.response_on_time.pct),
                                pct(ind.resolution_on_time.pct),
                                first.format("%d/%m/%Y"),
                                today.format("%d/%m/%Y")
                            ),
                            None,
                        )
                    }
                    Err(e) => data(label, format!("no disponible: {e}"), None),
                })
            }
            DataSource::Maintenance => {
                let label = "Cumplimiento del plan de mantenimiento";
                let today = to_local(now).date();
                let year = today.year() as i64;
                Some(match self.maintenance_compliance(year, today) {
                    Ok(c) => data(
                        label,
                        format!(
                            "{} % ejecutado ({} de {} programados, vigencia {year})",
                            fmt_num(Some(c.pct_executed), 1),
                            c.executed,
                            c.programmed
                        ),
                        None,
                    ),
                    Err(CoreError::MaintenanceNotFound { .. }) => data(
                        label,
                        format!("sin plan de mantenimiento de la vigencia {year}"),
                        Some(false),
                    ),
                    Err(e) => data(label, format!("no disponible: {e}"), None),
                })
            }
        }
    }

    /// Creates a risk (code: the one given, or the next free `R-NN`).
    pub fn create_risk(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
        input: &RiskInput,
    ) -> Result<Risk> {
        self.authorize(crate::people::Permission::Reports)?;
        let c = check_risk(input)?;
        let at = to_db(now);
        let code = self.write(actor, now, |tx| {
            let code = match &c.code {
                Some(code) => code.clone(),
                None => next_code(tx)?,
            };
            code_taken(tx, &code, None)?;
            tx.execute(
                "INSERT INTO risks (code, process, description, classification, causes, \
                 consequences, probability, impact, treatment, plan_responsible, plan_due, \
                 plan_description, plan_action_id, next_review, last_review, data_source, \
                 created_by, created_at, updated_by, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
                 ?17, ?18, ?17, ?18)",
                params![
                    code,
                    c.process,
                    c.description,
                    c.classification,
                    c.causes,
                    c.consequences,
                    c.probability,
                    c.impact,
                    c.treatment.as_str(),
                    c.plan_responsible,
                    c.plan_due,
                    c.plan_description,
                    c.plan_action_id,
                    c.next_review,
                    c.last_review,
                    c.data_source.as_str(),
                    actor,
                    at,
                ],
            )?;
            Ok(code)
        })?;
        self.risk(&code, now)
    }

    /// Replaces the fields of the risk `code` (a new code in `input.code` renames it).
    pub fn update_risk(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
        code: &str,
        input: &RiskInput,
    ) -> Result<Risk> {
        self.authorize(crate::people::Permission::Reports)?;
        let c = check_risk(input)?;
        let at = to_db(now);
        let new_code = self.write(actor, now, |tx| {
            let id = risk_id(tx, code)?;
            let new_code = c.code.clone().unwrap_or_else(|| code.trim().to_uppercase());
            code_taken(tx, &new_code, Some(id))?;
            tx.execute(
                "UPDATE risks SET code = ?2, process = ?3, description = ?4, \
                 classification = ?5, causes = ?6, consequences = ?7, probability = ?8, \
                 impact = ?9, treatment = ?10, plan_responsible = ?11, plan_due = ?12, \
                 plan_description = ?13, plan_action_id = ?14, next_review = ?15, \
                 last_review = ?16, data_source = ?17, updated_by = ?18, updated_at = ?19 \
                 WHERE id = ?1",
                params![
                    id,
                    new_code,
                    c.process,
                    c.description,
                    c.classification,
                    c.causes,
                    c.consequences,
                    c.probability,
                    c.impact,
                    c.treatment.as_str(),
                    c.plan_responsible,
                    c.plan_due,
                    c.plan_description,
                    c.plan_action_id,
                    c.next_review,
                    c.last_review,
                    c.data_source.as_str(),
                    actor,
                    at,
                ],
            )?;
            Ok(new_code)
        })?;
        self.risk(&new_code, now)
    }

    /// Deletes a risk and its controls (one transaction).
    pub fn delete_risk(&mut self, actor: &str, now: DateTime<Utc>, code: &str) -> Result<()> {
        self.authorize(crate::people::Permission::ManagementDelete)?;
        self.write(actor, now, |tx| {
            let id = risk_id(tx, code)?;
            tx.execute("DELETE FROM risk_controls WHERE risk_id = ?1", [id])?;
            tx.execute("DELETE FROM risks WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// Adds a control at the end of the risk's controls.
    pub fn add_risk_control(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
        code: &str,
        input: &ControlInput,
    ) -> Result<Risk> {
        self.authorize(crate::people::Permission::Reports)?;
        let c = check_control(input)?;
        let at = to_db(now);
        let code = self.write(actor, now, |tx| {
            let id = risk_id(tx, code)?;
            let position: i64 = tx.query_row(
                "SELECT coalesce(max(position), 0) + 1 AS next FROM risk_controls \
                 WHERE risk_id = ?1",
                [id],
                |r| r.get("next"),
            )?;
            tx.execute(
                "INSERT INTO risk_controls (risk_id, position, description, kind, \
                 implementation, documented, frequency, evidence, responsible, created_by, \
                 created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    id,
                    position,
                    c.description,
                    c.kind.as_str(),
                    c.implementation.as_str(),
                    c.documented as i64,
                    c.frequency.as_str(),
                    c.evidence as i64,
                    c.responsible,
                    actor,
                    at,
                ],
            )?;
            touch(tx, id, actor, &at)?;
            Ok(code.trim().to_uppercase())
        })?;
        self.risk(&code, now)
    }

    /// Changes a control (its position stays).
    pub fn update_risk_control(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
        control_id: i64,
        input: &ControlInput,
    ) -> Result<Risk> {
        self.authorize(crate::people::Permission::Reports)?;
        let c = check_control(input)?;
        let at = to_db(now);
        let code = self.write(actor, now, |tx| {
            let (risk, code) = control_owner(tx, control_id)?;
            tx.execute(
                "UPDATE risk_controls SET description = ?2, kind = ?3, implementation = ?4, \
                 documented = ?5, frequency = ?6, evidence = ?7, responsible = ?8 WHERE id = ?1",
                params![
                    control_id,
                    c.description,
                    c.kind.as_str(),
                    c.implementation.as_str(),
                    c.documented as i64,
                    c.frequency.as_str(),
                    c.evidence as i64,
                    c.responsible,
                ],
            )?;
            touch(tx, risk, actor, &at)?;
            Ok(code)
        })?;
        self.risk(&code, now)
    }

    /// Removes a control; the later ones move up one position.
    pub fn delete_risk_control(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
        control_id: i64,
    ) -> Result<Risk> {
        self.authorize(crate::people::Permission::Reports)?;
        let at = to_db(now);
        let code = self.write(actor, now, |tx| {
            let (risk, code) = control_owner(tx, control_id)?;
            let position: i64 = tx.query_row(
                "SELECT position FROM risk_controls WHERE id = ?1",
                [control_id],
                |r| r.get("position"),
            )?;
            tx.execute("DELETE FROM risk_controls WHERE id = ?1", [control_id])?;
            // One by one in ascending order so the unique (risk, position) never collides.
            let mut stmt = tx.prepare(
                "SELECT id FROM risk_controls WHERE risk_id = ?1 AND position > ?2 \
                 ORDER BY position",
            )?;
            let later = stmt
                .query_map(params![risk, position], |r| r.get::<_, i64>("id"))?
                .collect::<crate::error::Result<Vec<_>>>()?;
            for id in later {
                tx.execute(
                    "UPDATE risk_controls SET position = position - 1 WHERE id = ?1",
                    [id],
                )?;
            }
            touch(tx, risk, actor, &at)?;
            Ok(code)
        })?;
        self.risk(&code, now)
    }
}

fn touch(tx: &Db, risk: i64, actor: &str, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE risks SET updated_by = ?2, updated_at = ?3 WHERE id = ?1",
        params![risk, actor, at],
    )?;
    Ok(())
}

fn control_owner(tx: &Db, control_id: i64) -> Result<(i64, String)> {
    tx.query_row(
        "SELECT r.id AS id, r.code AS code FROM risk_controls c JOIN risks r ON r.id = c.risk_id \
         WHERE c.id = ?1",
        [control_id],
        |r| Ok((r.get("id")?, r.get("code")?)),
    )
    .optional()?
    .ok_or_else(|| {
        CoreError::validation(
            "control",
            format!("no existe el control número {control_id}"),
        )
    })
}

/// The 25 cells, probability 5 (top row) → 1, impact 1 → 5, with the codes in each.
pub fn heat_cells(risks: &[Risk]) -> Vec<HeatCell> {
    let mut cells = vec![];
    for p in (1..=5).rev() {
        for i in 1..=5 {
            cells.push(HeatCell {
                probability: p,
                impact: i,
                zone: scales::zone(p, i),
                inherent: risks
                    .iter()
                    .filter(|r| r.probability == p && r.impact == i)
                    .map(|r| r.code.clone())
                    .collect(),
                residual: risks
                    .iter()
                    .filter(|r| r.residual_probability == p && r.residual_impact == i)
                    .map(|r| r.code.clone())
                    .collect(),
            });
        }
    }
    cells
}

impl RiskInput {
    /// The input that would leave `r` as it is (to change a few fields).
    pub fn from_risk(r: &Risk) -> RiskInput {
        RiskInput {
            code: Some(r.code.clone()),
            process: Some(r.process.clone()),
            description: r.description.clone(),
            classification: r.classification.clone(),
            causes: r.causes.clone(),
            consequences: r.consequences.clone(),
            probability: r.probability,
            impact: r.impact,
            treatment: Some(r.treatment),
            plan_responsible: r.plan_responsible.clone(),
            plan_due: r.plan_due.clone(),
            plan_description: r.plan_description.clone(),
            plan_action_id: r.plan_action_id,
            next_review: r.next_review.clone(),
            last_review: r.last_review.clone(),
            data_source: Some(r.data_source),
        }
    }
}
