//! The management report (informe de gestión, seed 001 activity 16; issue 18): for a quarter, a
//! year or any period, every indicator with its target, value, traffic light and trend, the
//! analysis text per indicator, preventive maintenance compliance, the risk map's residual
//! state, the improvement plan's progress and the conclusions; PDF and XLSX in
//! `report_documents.rs`.
//!
//! Figures are always computed from the data; only the texts the office types (analysis per
//! indicator and conclusions) are stored, per period (`management_reports`, migration 0018).
//! Until the report of a period is saved, each indicator's analysis is prefilled with the texts
//! typed on its sheet for the periods inside the report («Indicadores» → análisis).

use std::collections::BTreeMap;

use crate::db::{params, OptionalExt};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::indicators::{fmt_with_unit, IndicatorSheet, IndicatorValue, Light};
use crate::clock::{to_db, to_local};
use crate::error::{CoreError, Result};
use crate::maintenance::Compliance;
use crate::plans::ActionState;
use crate::reports::Period;
use crate::risks::Zone;
use crate::store::Store;
use crate::text::clean;

/// The longest analysis text of one indicator, and of the conclusions.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Quarters offered in the period list (the current one and the previous ones).
const QUARTERS_OFFERED: u32 = 8;
/// Years offered in the period list.
const YEARS_OFFERED: u32 = 3;

/// A period the report is usually made for: a quarter or a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportPeriodOption {
    /// «I trimestre de 2026», «Año 2026».
    pub label: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
}

/// One indicator in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ManagementIndicator {
    pub sheet: IndicatorSheet,
    /// «≥ 90 %».
    pub target_text: String,
    /// Over the whole period (the last typed value for a manual indicator); `None`: no data.
    pub value: Option<f64>,
    /// «92,5 %» or «Sin datos».
    pub value_text: String,
    /// «37 de 40» when it is a proportion.
    pub detail: Option<String>,
    pub light: Option<Light>,
    /// The indicator's own periods inside the report period, oldest first.
    pub trend: Vec<IndicatorValue>,
    /// The analysis text (stored with the report, or prefilled from the sheet's periods).
    pub analysis: String,
}

/// Count of risks per zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ZoneCount {
    pub zone: Zone,
    pub label: String,
    pub inherent: i64,
    pub residual: i64,
}

/// One risk's state in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskState {
    pub code: String,
    pub description: String,
    pub inherent_zone: Zone,
    pub residual_zone: Zone,
    pub treatment: String,
    pub controls: i64,
    pub review_overdue: bool,
}

/// The risk map's state when the report is made (risks have no history).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskSummary {
    pub zones: Vec<ZoneCount>,
    pub risks: Vec<RiskState>,
    /// Risks whose residual zone is lower than the inherent one.
    pub reduced: i64,
}

/// Actions of the improvement plan in one state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StateCount {
    pub state: ActionState,
    pub label: String,
    pub count: i64,
}

/// One action of the plan in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionProgress {
    pub finding: String,
    pub description: String,
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub ends_on: String,
    pub progress: i64,
    pub state: ActionState,
    pub state_label: String,
}

/// The improvement plan's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanProgress {
    pub findings: i64,
    /// Findings registered inside the period.
    pub findings_in_period: i64,
    pub actions: i64,
    pub by_state: Vec<StateCount>,
    /// Average progress of the actions (0 without actions).
    pub average_progress: f64,
    /// Actions verified (closed) inside the period.
    pub verified_in_period: i64,
    /// Every action not yet verified (cumplida), nearest end date first.
    pub open_actions: Vec<ActionProgress>,
}

/// The management report of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ManagementReport {
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
    /// «I trimestre de 2026», «Año 2026» or «01/02/2026 a 15/03/2026».
    pub label: String,
    pub indicators: Vec<ManagementIndicator>,
    /// Lights of the indicators with a value: satisfactory, acceptable, critical.
    pub lights: Vec<i64>,
    /// Preventive maintenance compliance of the plan of the period's final year, up to its end.
    pub maintenance: Option<Compliance>,
    pub risks: RiskSummary,
    pub plan: PlanProgress,
    pub conclusions: String,
    /// When and by whom the texts were last saved (local RFC 3339); `None`: not saved yet.
    pub saved_at: Option<String>,
    pub saved_by: Option<String>,
}

/// The texts of the report the office types.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ManagementReportTexts {
    /// Indicator code → analysis text.
    pub analysis: BTreeMap<String, String>,
    pub conclusions: String,
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// «I trimestre de 2026», «Año 2026», else «dd/mm/aaaa a dd/mm/aaaa».
pub fn period_label(p: Period) -> String {
    let whole_year = p.from.month() == 1
        && p.from.day() == 1
        && p.to.month() == 12
        && p.to.day() == 31
        && p.to.year() == p.from.year();
    if whole_year {
        return format!("Año {}", p.from.year());
    }
    let quarter = p.from.day() == 1
        && (p.from.month() - 1).is_multiple_of(3)
        && p.from
            .checked_add_months(Months::new(3))
            .and_then(|d| d.pred_opt())
            == Some(p.to);
    if quarter {
        return format!(
            "{} trimestre de {}",
            ROMAN[((p.from.month() - 1) / 3) as usize],
            p.from.year()
        );
    }
    p.label()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The quarters (the current one first) and years a report is usually made for.
pub fn report_periods(now: DateTime<Utc>) -> Vec<ReportPeriodOption> {
    let today = to_local(now).date();
    let q0 =
        NaiveDate::from_ymd_opt(today.year(), (today.month() - 1) / 3 * 3 + 1, 1).unwrap_or(today);
    let mut out = Vec::new();
    for i in 0..QUARTERS_OFFERED {
        let Some(from) = q0.checked_sub_months(Months::new(3 * i)) else {
            continue;
        };
        let Some(to) = from
            .checked_add_months(Months::new(3))
            .and_then(|d| d.pred_opt())
        else {
            continue;
        };
        let p = Period { from, to };
        out.push(ReportPeriodOption {
            label: period_label(p),
            from: day(from),
            to: day(to),
        });
    }
    for i in 0..YEARS_OFFERED as i32 {
        let y = today.year() - i;
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        ) else {
            continue;
        };
        out.push(ReportPeriodOption {
            label: period_label(Period { from, to }),
            from: day(from),
            to: day(to),
        });
    }
    out
}

fn clean_text(field: &str, s: &str) -> Result<String> {
    let t = super::indicators::clean_text(s);
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(CoreError::validation(
            field,
            format!("admite hasta {} caracteres", MAX_TEXT_CHARS),
        ));
    }
    Ok(t)
}

/// The texts prefilled from the sheet: each period's analysis, with its label when several.
fn prefilled(trend: &[IndicatorValue]) -> String {
    let typed: Vec<&IndicatorValue> = trend
        .iter()
        .filter(|v| !v.analysis.trim().is_empty())
        .collect();
    match typed.as_slice() {
        [] => String::new(),
        [one] if trend.len() == 1 => one.analysis.trim().to_string(),
        many => many
            .iter()
            .map(|v| format!("{}: {}", v.label, v.analysis.trim()))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

struct Stored {
    texts: ManagementReportTexts,
    updated_at: String,
    updated_by: String,
}

impl Store {
    fn stored_management_report(&self, p: Period) -> Result<Option<Stored>> {
        let row = self
            .conn
            .query_row(
                "SELECT analysis, conclusions, updated_at, updated_by FROM management_reports
                 WHERE period_from = ?1 AND period_to = ?2",
                params![day(p.from), day(p.to)],
                |r| {
                    Ok((
                        r.get::<_, String>("analysis")?,
                        r.get::<_, String>("conclusions")?,
                        r.get::<_, String>("updated_at")?,
                        r.get::<_, String>("updated_by")?,
                    ))
                },
            )
            .optional()?;
        let Some((analysis, conclusions, updated_at, updated_by)) = row else {
            return Ok(None);
        };
        let analysis: BTreeMap<String, String> =
            serde_json::from_str(&analysis).map_err(|_| CoreError::UnknownStoredValue {
                column: "management_reports.analysis",
                value: analysis.chars().take(80).collect(),
            })?;
        Ok(Some(Stored {
            texts: ManagementReportTexts {
                analysis,
                conclusions,
            },
            updated_at,
            updated_by,
        }))
    }

    /// The management report of `period`, computed now.
    pub fn management_report(
        &self,
        period: Period,
        now: DateTime<Utc>,
    ) -> Result<ManagementReport> {
        let stored = self.stored_management_report(period)?;
        let mut lights = vec![0i64; 3];
        let indicators: Vec<ManagementIndicator> = self
            .indicators_over(period, now)?
            .into_iter()
            .map(|pi| {
                let sheet = pi.sheet;
                let m = pi.measure;
                let light = sheet.light_of(m.value);
                if let Some(l) = light {
                    lights[Light::ALL.iter().position(|x| *x == l).unwrap_or(2)] += 1;
                }
                let analysis = match &stored {
                    Some(s) => s
                        .texts
                        .analysis
                        .get(&sheet.code)
                        .cloned()
                        .unwrap_or_default(),
                    None => prefilled(&pi.trend),
                };
                ManagementIndicator {
                    target_text: sheet.target_text(),
                    value: m.value,
                    value_text: m
                        .value
                        .map(|v| fmt_with_unit(v, &sheet.unit))
                        .unwrap_or_else(|| "Sin datos".into()),
                    detail: match (m.num, m.den) {
                        (Some(n), Some(d)) if d > 0 => Some(format!("{n} de {d}")),
                        _ => None,
                    },
                    light,
                    trend: pi.trend,
                    analysis,
                    sheet,
                }
            })
            .collect();
        let maintenance = self.indicators(period, now)?.maintenance;
        Ok(ManagementReport {
            from: day(period.from),
            to: day(period.to),
            label: period_label(period),
            indicators,
            lights,
            maintenance,
            risks: self.risk_summary(now)?,
            plan: self.plan_progress(period, now)?,
            conclusions: stored
                .as_ref()
                .map(|s| s.texts.conclusions.clone())
                .unwrap_or_default(),
            saved_at: stored
                .as_ref()
                .and_then(|s| crate::clock::from_db(&s.updated_at).ok())
                .map(crate::clock::to_rfc3339_local),
            saved_by: stored.map(|s| s.updated_by),
        })
    }

    fn risk_summary(&self, now: DateTime<Utc>) -> Result<RiskSummary> {
        let map = self.risk_map(now)?;
        let zones = Zone::ALL
            .iter()
            .map(|z| ZoneCount {
                zone: *z,
                label: z.label().into(),
                inherent: map.risks.iter().filter(|r| r.inherent_zone == *z).count() as i64,
                residual: map.risks.iter().filter(|r| r.residual_zone == *z).count() as i64,
            })
            .collect();
        let reduced = map
            .risks
            .iter()
            .filter(|r| r.residual_zone < r.inherent_zone)
            .count() as i64;
        let risks = map
            .risks
            .into_iter()
            .map(|r| RiskState {
                treatment: r.treatment.label().to_string(),
                controls: r.controls.len() as i64,
                code: r.code,
                description: r.description,
                inherent_zone: r.inherent_zone,
                residual_zone: r.residual_zone,
                review_overdue: r.review_overdue,
            })
            .collect();
        Ok(RiskSummary {
            zones,
            risks,
            reduced,
        })
    }

    fn plan_progress(&self, period: Period, now: DateTime<Utc>) -> Result<PlanProgress> {
        let findings = self.plan_findings_full(now)?;
        let (from, to) = (day(period.from), day(period.to));
        let in_period = |d: &str| {
            d.get(..10)
                .is_some_and(|d| d >= from.as_str() && d <= to.as_str())
        };
        let actions: Vec<_> = findings.iter().flat_map(|f| f.actions.iter()).collect();
        let by_state = ActionState::ALL
            .iter()
            .map(|s| StateCount {
                state: *s,
                label: s.label().into(),
                count: actions.iter().filter(|a| a.state == *s).count() as i64,
            })
            .collect();
        let average_progress = if actions.is_empty() {
            0.0
        } else {
            let sum: i64 = actions.iter().map(|a| a.progress).sum();
            (sum as f64 / actions.len() as f64 * 10.0).round() / 10.0
        };
        let mut open_actions: Vec<ActionProgress> = actions
            .iter()
            .filter(|a| a.state != ActionState::Cumplida)
            .map(|a| ActionProgress {
                finding: a.finding_number.clone(),
                description: a.description.clone(),
                owner: a.owner.clone(),
                ends_on: a.ends_on.clone(),
                progress: a.progress,
                state: a.state,
                state_label: a.state_label.clone(),
            })
            .collect();
        open_actions.sort_by(|a, b| a.ends_on.cmp(&b.ends_on));
        // Verification times are local RFC 3339: their first 10 characters are the local day.
        let verified_in_period = actions
            .iter()
            .filter(|a| a.verified_at.as_deref().is_some_and(in_period))
            .count() as i64;
        Ok(PlanProgress {
            findings: findings.len() as i64,
            findings_in_period: findings.iter().filter(|f| in_period(&f.found_on)).count() as i64,
            actions: actions.len() as i64,
            by_state,
            average_progress,
            verified_in_period,
            open_actions,
        })
    }

    /// Saves the texts of the report of `period` (analysis per indicator, conclusions). An
    /// analysis for a code that is not an indicator is refused.
    pub fn save_management_report(
        &mut self,
        period: Period,
        texts: &ManagementReportTexts,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ManagementReport> {
        self.authorize(crate::people::Permission::Reports)?;
        let codes: Vec<String> = self
            .indicator_sheets()?
            .into_iter()
            .map(|s| s.code)
            .collect();
        let mut analysis = BTreeMap::new();
        for (code, text) in &texts.analysis {
            let Some(c) = codes.iter().find(|c| c.eq_ignore_ascii_case(code.trim())) else {
                return Err(CoreError::CatalogNotFound {
                    what: "el indicador",
                    name: code.trim().to_string(),
                });
            };
            let t = clean_text(&format!("análisis de {c}"), text)?;
            if !t.is_empty() {
                analysis.insert(c.clone(), t);
            }
        }
        let conclusions = clean_text("conclusiones", &texts.conclusions)?;
        let json = serde_json::to_string(&analysis)
            .map_err(|e| CoreError::validation("análisis", format!("no se pudo guardar: {e}")))?;
        let by = clean(actor);
        self.write(actor, now, |tx| {
            tx.execute(
                "INSERT INTO management_reports(period_from, period_to, analysis, conclusions,
                     created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)
                 ON CONFLICT(period_from, period_to) DO UPDATE SET analysis = excluded.analysis,
                     conclusions = excluded.conclusions, updated_at = excluded.updated_at,
                     updated_by = excluded.updated_by",
                params![
                    day(period.from),
                    day(period.to),
                    json,
                    conclusions,
                    to_db(now),
                    by
                ],
            )?;
            Ok(())
        })?;
        self.management_report(period, now)
    }
}
