//! Indicator sheets (hoja de vida / ficha técnica del indicador, issue 18): the sheet of every
//! indicator, its values per period (computed from the help-desk report's [`Indicators`] for
//! the computed ones, typed for the manual ones), the traffic light of each value, the trend,
//! and the «abrir hallazgo» suggestion when an indicator is critical two periods in a row.
//!
//! Periods follow the indicator's frequency and are named by their first month (`YYYY-MM`):
//! a quarterly indicator has the periods 2026-01, 2026-04, 2026-07, 2026-10. A period is
//! *closed* when its last day is over at `now`. The nine help-desk indicators are seeded by
//! migration 0014; each names its figure in [`METRICS`], and its formula is the report annex's.

use std::collections::HashMap;

use crate::db::{params, OptionalExt, Row};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{to_db, to_local};
use crate::error::{CoreError, Result};
use crate::maintenance::Frequency;
use crate::reports::{Indicators, Period, FORMULAS};
use crate::store::Store;
use crate::text::clean;

/// Number of periods of a trend when none is asked for.
pub const DEFAULT_TREND_PERIODS: usize = 6;
/// At most this many periods in a trend.
pub const MAX_TREND_PERIODS: usize = 60;

/// Computed indicators: the figure of [`Indicators`] (see [`metric_value`]) and the name of its
/// formula in the report annex ([`FORMULAS`]).
pub const METRICS: &[(&str, &str)] = &[
    (
        "response_on_time",
        "% atendidos dentro del plazo de respuesta",
    ),
    (
        "resolution_on_time",
        "% solucionados dentro del plazo de solución",
    ),
    ("satisfaction", "Satisfacción por pregunta"),
    ("survey_response", "Tasa de respuesta de la encuesta"),
    ("maintenance", "Cumplimiento del mantenimiento preventivo"),
    ("backlog", "Casos abiertos al cierre (pendientes)"),
    ("escalated", "% escalados"),
    ("reopened", "% reabiertos"),
    ("auto_closed", "% de cierre automático"),
];

/// Type of indicator (guía DAFP): eficacia, eficiencia, efectividad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Eficacia,
    Eficiencia,
    Efectividad,
}

impl IndicatorKind {
    pub const ALL: [IndicatorKind; 3] = [
        IndicatorKind::Eficacia,
        IndicatorKind::Eficiencia,
        IndicatorKind::Efectividad,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Eficacia => "eficacia",
            IndicatorKind::Eficiencia => "eficiencia",
            IndicatorKind::Efectividad => "efectividad",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            IndicatorKind::Eficacia => "Eficacia",
            IndicatorKind::Eficiencia => "Eficiencia",
            IndicatorKind::Efectividad => "Efectividad",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let k = crate::text::fold(s);
        Self::ALL.into_iter().find(|x| x.as_str() == k)
    }
}

/// Which way is good: `up` (higher is better) or `down` (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "IndicatorDirection")]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Direction::Up => "Mayor es mejor",
            Direction::Down => "Menor es mejor",
        }
    }
    /// `up`/`down`, or the Spanish words (`mayor`, `menor`, `ascendente`, `descendente`).
    pub fn parse(s: &str) -> Option<Self> {
        match crate::text::fold(s).as_str() {
            "up" | "mayor" | "ascendente" | "creciente" | "mayor es mejor" => Some(Direction::Up),
            "down" | "menor" | "descendente" | "decreciente" | "menor es mejor" => {
                Some(Direction::Down)
            }
            _ => None,
        }
    }
}

/// The traffic light of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "IndicatorLight")]
pub enum Light {
    Satisfactory,
    Acceptable,
    Critical,
}

impl Light {
    pub const ALL: [Light; 3] = [Light::Satisfactory, Light::Acceptable, Light::Critical];
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Satisfactory => "satisfactory",
            Light::Acceptable => "acceptable",
            Light::Critical => "critical",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Light::Satisfactory => "Satisfactorio",
            Light::Acceptable => "Aceptable",
            Light::Critical => "Crítico",
        }
    }
}

/// Tolerance of the threshold comparisons (values are printed with one or two decimals).
const EPS: f64 = 1e-9;

/// The light of `value` for the thresholds: with `up`, value ≥ satisfactory → satisfactorio,
/// ≥ acceptable → aceptable, else crítico; with `down`, ≤ satisfactory, ≤ acceptable. A value
/// equal to a threshold takes the better light. No value (no data: the denominator is 0) → no
/// light.
pub fn light(
    value: Option<f64>,
    direction: Direction,
    satisfactory: f64,
    acceptable: f64,
) -> Option<Light> {
    let v = value.filter(|v| v.is_finite())?;
    Some(match direction {
        Direction::Up if v >= satisfactory - EPS => Light::Satisfactory,
        Direction::Up if v >= acceptable - EPS => Light::Acceptable,
        Direction::Down if v <= satisfactory + EPS => Light::Satisfactory,
        Direction::Down if v <= acceptable + EPS => Light::Acceptable,
        _ => Light::Critical,
    })
}

/// A value of a list served to the UI with its Spanish label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IndicatorChoice {
    pub value: String,
    pub label: String,
}

/// The lists the indicator screens show (kinds, frequencies, directions, lights).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IndicatorOptions {
    pub kinds: Vec<IndicatorChoice>,
    pub frequencies: Vec<IndicatorChoice>,
    pub directions: Vec<IndicatorChoice>,
    pub lights: Vec<IndicatorChoice>,
    pub default_periods: i64,
}

pub fn indicator_options() -> IndicatorOptions {
    let ch = |value: &str, label: &str| IndicatorChoice {
        value: value.into(),
        label: label.into(),
    };
    IndicatorOptions {
        kinds: IndicatorKind::ALL
            .iter()
            .map(|k| ch(k.as_str(), k.label()))
            .collect(),
        frequencies: Frequency::ALL
            .iter()
            .map(|f| ch(f.as_str(), f.label()))
            .collect(),
        directions: [Direction::Up, Direction::Down]
            .iter()
            .map(|d| ch(d.as_str(), d.label()))
            .collect(),
        lights: Light::ALL
            .iter()
            .map(|l| ch(l.as_str(), l.label()))
            .collect(),
        default_periods: DEFAULT_TREND_PERIODS as i64,
    }
}

/// The sheet (hoja de vida) of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IndicatorSheet {
    pub code: String,
    pub name: String,
    pub objective: String,
    pub process: String,
    pub kind: IndicatorKind,
    /// The report annex's text for a computed indicator; typed for a manual one.
    pub formula: String,
    pub unit: String,
    pub frequency: Frequency,
    pub frequency_label: String,
    pub target: f64,
    pub satisfactory: f64,
    pub acceptable: f64,
    pub direction: Direction,
    pub owner_measure: String,
    pub owner_analysis: String,
    pub source: String,
    /// Computed from the data (its values are never typed).
    pub computed: bool,
}

/// A new manual indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewIndicator {
    pub code: String,
    pub name: String,
    pub objective: String,
    pub process: String,
    pub kind: IndicatorKind,
    pub formula: String,
    pub unit: String,
    pub frequency: Frequency,
    pub target: f64,
    pub satisfactory: f64,
    pub acceptable: f64,
    pub direction: Direction,
    pub owner_measure: String,
    pub owner_analysis: String,
    pub source: String,
}

/// Changes to a sheet: each field given replaces the stored one. The formula of a computed
/// indicator cannot change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct IndicatorPatch {
    pub name: Option<String>,
    pub objective: Option<String>,
    pub process: Option<String>,
    pub kind: Option<IndicatorKind>,
    pub formula: Option<String>,
    pub unit: Option<String>,
    pub frequency: Option<Frequency>,
    pub target: Option<f64>,
    pub satisfactory: Option<f64>,
    pub acceptable: Option<f64>,
    pub direction: Option<Direction>,
    pub owner_measure: Option<String>,
    pub owner_analysis: Option<String>,
    pub source: Option<String>,
}

/// The value of an indicator in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IndicatorValue {
    /// `YYYY-MM`: the period's first month.
    pub period: String,
    /// «marzo de 2026», «ene–mar 2026», «2026».
    pub label: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
    /// The period's last day is over.
    pub closed: bool,
    /// `None`: no data (no case in the denominator, or no value typed).
    pub value: Option<f64>,
    pub num: Option<i64>,
    pub den: Option<i64>,
    pub light: Option<Light>,
    pub analysis: String,
}

/// An indicator with its value in the last closed period and in the current one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IndicatorStatus {
    pub sheet: IndicatorSheet,
    pub last: IndicatorValue,
    pub current: IndicatorValue,
}

/// What accepting a suggestion gives: the draft of a finding (hallazgo) of the improvement plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FindingDraft {
    pub title: String,
    pub description: String,
    /// Always `indicador`.
    pub source: String,
    /// The indicator's code.
    pub source_ref: String,
}

/// «Abrir hallazgo»: the indicator was critical in two consecutive closed periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FindingSuggestion {
    pub code: String,
    pub name: String,
    pub first_period: String,
    pub last_period: String,
    pub first_label: String,
    pub last_label: String,
    pub first_value: f64,
    pub last_value: f64,
    pub draft: FindingDraft,
}

/// Inicio and the list: every indicator's lights and the open suggestions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IndicatorOverview {
    pub indicators: Vec<IndicatorStatus>,
    pub suggestions: Vec<FindingSuggestion>,
}

/// The target and light of the report period's value of an indicator that has a sheet
/// (help-desk report, `reports/documents.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportMark {
    pub target: String,
    pub light: Option<Light>,
}

impl ReportMark {
    /// «≥ 90 % · Crítico» (the target and the light).
    pub fn text(&self) -> String {
        match self.light {
            Some(l) => format!("{} · {}", self.target, l.label()),
            None => format!("{} · sin datos", self.target),
        }
    }
}

/// A figure of the report: its value, and the numerator/denominator when it is a proportion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub value: Option<f64>,
    pub num: Option<i64>,
    pub den: Option<i64>,
}

/// The value of the computed indicator `metric` in a period's [`Indicators`]. A proportion
/// with denominator 0 has no value; so has satisfaction without answers and maintenance
/// without a plan.
pub fn metric_value(metric: &str, ind: &Indicators) -> Option<Measure> {
    let rate = |r: &crate::reports::Rate| Measure {
        value: r.pct,
        num: Some(r.num),
        den: Some(r.den),
    };
    Some(match metric {
        "response_on_time" => rate(&ind.response_on_time),
        "resolution_on_time" => rate(&ind.resolution_on_time),
        "survey_response" => rate(&ind.survey_response),
        "escalated" => rate(&ind.escalated),
        "reopened" => rate(&ind.reopened),
        "auto_closed" => rate(&ind.auto_closed),
        "satisfaction" => Measure {
            value: ind.overall.mean,
            num: None,
            den: Some(ind.overall.answers),
        },
        "maintenance" => match &ind.maintenance {
            Some(c) if c.programmed > 0 => Measure {
                value: Some(c.pct_executed),
                num: Some(c.executed),
                den: Some(c.programmed),
            },
            _ => Measure {
                value: None,
                num: None,
                den: Some(0),
            },
        },
        "backlog" => Measure {
            value: Some(ind.backlog as f64),
            num: None,
            den: None,
        },
        _ => return None,
    })
}

fn annex_formula(metric: &str) -> String {
    METRICS
        .iter()
        .find(|(m, _)| *m == metric)
        .and_then(|(_, name)| FORMULAS.iter().find(|(n, _)| n == name))
        .map(|(n, f)| format!("{n}: {f}"))
        .unwrap_or_default()
}

/// `90` → «90», `3.5` → «3,5» (es-CO, at most two decimals).
pub fn fmt_value(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

/// `90`, `%` → «90 %»; `4`, `puntos (1 a 5)` → «4 puntos (1 a 5)».
pub fn fmt_with_unit(v: f64, unit: &str) -> String {
    if unit.is_empty() {
        fmt_value(v)
    } else {
        format!("{} {unit}", fmt_value(v))
    }
}

impl IndicatorSheet {
    /// «≥ 90 %» or «≤ 10 casos».
    pub fn target_text(&self) -> String {
        let op = match self.direction {
            Direction::Up => "≥",
            Direction::Down => "≤",
        };
        format!("{op} {}", fmt_with_unit(self.target, &self.unit))
    }

    pub fn light_of(&self, value: Option<f64>) -> Option<Light> {
        light(value, self.direction, self.satisfactory, self.acceptable)
    }
}

// ---------------------------------------------------------------------------------------------
// Periods of a frequency

const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const MONTHS_SHORT: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
];

/// The first day of the period of `freq` that contains `day`.
fn period_start(freq: Frequency, day: NaiveDate) -> NaiveDate {
    let step = freq.step();
    let m0 = (day.month() - 1) / step * step + 1;
    NaiveDate::from_ymd_opt(day.year(), m0, 1).unwrap_or(day)
}

fn period_of_start(freq: Frequency, start: NaiveDate) -> Period {
    let next = start + Months::new(freq.step());
    Period {
        from: start,
        to: next.pred_opt().unwrap_or(start),
    }
}

fn period_key(start: NaiveDate) -> String {
    start.format("%Y-%m").to_string()
}

fn period_label(freq: Frequency, p: Period) -> String {
    let m0 = p.from.month0() as usize;
    let m1 = p.to.month0() as usize;
    match freq {
        Frequency::Monthly => format!("{} de {}", MONTHS[m0], p.from.year()),
        Frequency::Annual => p.from.year().to_string(),
        _ => format!(
            "{}–{} {}",
            MONTHS_SHORT[m0],
            MONTHS_SHORT[m1],
            p.from.year()
        ),
    }
}

/// Reads a period typed as `YYYY-MM` (or `YYYY` for a year): the first month of the period of
/// `freq` that contains it.
pub fn parse_period(freq: Frequency, s: &str) -> Result<NaiveDate> {
    let t = s.trim();
    let day = if t.len() == 4 {
        t.parse::<i32>()
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
    } else {
        NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok()
    };
    let day = day
        .filter(|d| (2000..=2100).contains(&d.year()))
        .ok_or_else(|| {
            CoreError::validation("periodo", format!("«{t}» no es un periodo AAAA-MM"))
        })?;
    Ok(period_start(freq, day))
}

fn is_closed(p: Period, now: DateTime<Utc>) -> bool {
    p.bounds().1 <= now
}

// ---------------------------------------------------------------------------------------------
// Store

struct SheetRow {
    id: i64,
    metric: Option<String>,
    sheet: IndicatorSheet,
}

const SHEET_COLUMNS: &str = "id, code, name, objective, process, kind, formula, unit, frequency,
    target, satisfactory, acceptable, direction, owner_measure, owner_analysis, source, metric";

fn unknown(field: &'static str, value: String) -> CoreError {
    CoreError::UnknownStoredValue {
        column: field,
        value,
    }
}

fn sheet_from_row(r: &Row<'_>) -> crate::error::Result<Result<SheetRow>> {
    let kind: String = r.get("kind")?;
    let freq: String = r.get("frequency")?;
    let dir: String = r.get("direction")?;
    let metric: Option<String> = r.get("metric")?;
    let formula: String = r.get("formula")?;
    let id: i64 = r.get("id")?;
    let code: String = r.get("code")?;
    let name: String = r.get("name")?;
    let objective: String = r.get("objective")?;
    let process: String = r.get("process")?;
    let unit: String = r.get("unit")?;
    let target: f64 = r.get("target")?;
    let satisfactory: f64 = r.get("satisfactory")?;
    let acceptable: f64 = r.get("acceptable")?;
    let owner_measure: String = r.get("owner_measure")?;
    let owner_analysis: String = r.get("owner_analysis")?;
    let source: String = r.get("source")?;
    Ok((|| {
        let kind = IndicatorKind::parse(&kind).ok_or_else(|| unknown("indicators.kind", kind))?;
        let frequency =
            Frequency::parse(&freq).ok_or_else(|| unknown("indicators.frequency", freq))?;
        let direction =
            Direction::parse(&dir).ok_or_else(|| unknown("indicators.direction", dir))?;
        let formula = match &metric {
            Some(m) => annex_formula(m),
            None => formula,
        };
        Ok(SheetRow {
            id,
            sheet: IndicatorSheet {
                code,
                name,
                objective,
                process,
                kind,
                formula,
                unit,
                frequency,
                frequency_label: frequency.label().into(),
                target,
                satisfactory,
                acceptable,
                direction,
                owner_measure,
                owner_analysis,
                source,
                computed: metric.is_some(),
            },
            metric,
        })
    })())
}

fn not_found(code: &str) -> CoreError {
    CoreError::CatalogNotFound {
        what: "el indicador",
        name: code.trim().to_string(),
    }
}

/// Text as typed: CRLF → LF, trailing spaces of each line and blank ends removed.
pub(crate) fn clean_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn number(field: &str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(CoreError::validation(field, "debe ser un número"))
    }
}

/// Thresholds consistent with the direction.
fn check_thresholds(sheet: &IndicatorSheet) -> Result<()> {
    number("meta", sheet.target)?;
    number("satisfactorio", sheet.satisfactory)?;
    number("aceptable", sheet.acceptable)?;
    match sheet.direction {
        Direction::Up if sheet.acceptable > sheet.satisfactory => Err(CoreError::validation(
            "aceptable",
            format!(
                "cuando mayor es mejor, el límite aceptable ({}) no puede superar el \
                 satisfactorio ({})",
                fmt_value(sheet.acceptable),
                fmt_value(sheet.satisfactory)
            ),
        )),
        Direction::Down if sheet.acceptable < sheet.satisfactory => Err(CoreError::validation(
            "aceptable",
            format!(
                "cuando menor es mejor, el límite aceptable ({}) no puede ser menor que el \
                 satisfactorio ({})",
                fmt_value(sheet.acceptable),
                fmt_value(sheet.satisfactory)
            ),
        )),
        _ => Ok(()),
    }
}

fn check_sheet(sheet: &IndicatorSheet) -> Result<()> {
    if sheet.name.is_empty() {
        return Err(CoreError::validation("nombre", "es obligatorio"));
    }
    if sheet.name.chars().count() > 200 {
        return Err(CoreError::validation(
            "nombre",
            "admite hasta 200 caracteres",
        ));
    }
    if sheet.unit.is_empty() {
        return Err(CoreError::validation(
            "unidad",
            "es obligatoria (%, horas, casos…)",
        ));
    }
    if !sheet.computed && sheet.formula.is_empty() {
        return Err(CoreError::validation("fórmula", "es obligatoria"));
    }
    check_thresholds(sheet)
}

/// Computes the report's indicators once per period.
struct Computed<'s> {
    store: &'s Store,
    now: DateTime<Utc>,
    cache: HashMap<(NaiveDate, NaiveDate), Indicators>,
}

impl<'s> Computed<'s> {
    fn new(store: &'s Store, now: DateTime<Utc>) -> Self {
        Computed {
            store,
            now,
            cache: HashMap::new(),
        }
    }
    fn get(&mut self, p: Period) -> Result<&Indicators> {
        let key = (p.from, p.to);
        if !self.cache.contains_key(&key) {
            let ind = self.store.indicators(p, self.now)?;
            self.cache.insert(key, ind);
        }
        Ok(&self.cache[&key])
    }
}

impl Store {
    fn sheet_rows(&self) -> Result<Vec<SheetRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SHEET_COLUMNS} FROM indicators ORDER BY position, code"
        ))?;
        let rows = stmt
            .query_map([], sheet_from_row)?
            .collect::<crate::error::Result<Vec<_>>>()?;
        rows.into_iter().collect()
    }

    fn sheet_row(&self, code: &str) -> Result<SheetRow> {
        let code = code.trim();
        self.conn
            .query_row(
                &format!("SELECT {SHEET_COLUMNS} FROM indicators WHERE code = ?1 COLLATE NOCASE"),
                [code],
                sheet_from_row,
            )
            .optional()?
            .ok_or_else(|| not_found(code))?
    }

    /// Every indicator sheet, in their order (the help-desk ones first, then the manual ones).
    pub fn indicator_sheets(&self) -> Result<Vec<IndicatorSheet>> {
        Ok(self.sheet_rows()?.into_iter().map(|r| r.sheet).collect())
    }

    /// The sheet of the indicator `code` (case does not matter).
    pub fn indicator_sheet(&self, code: &str) -> Result<IndicatorSheet> {
        Ok(self.sheet_row(code)?.sheet)
    }

    /// Stored analysis and typed values of one indicator, by period key.
    fn stored_values(&self, id: i64) -> Result<HashMap<String, (Option<f64>, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT period, value, analysis FROM indicator_values WHERE indicator_id = ?1",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok((
                    r.get::<_, String>("period")?,
                    (
                        r.get::<_, Option<f64>>("value")?,
                        r.get::<_, String>("analysis")?,
                    ),
                ))
            })?
            .collect::<crate::error::Result<HashMap<_, _>>>()?;
        Ok(rows)
    }

    /// The value of one indicator in the period starting on `start`.
    fn value_in(
        &self,
        row: &SheetRow,
        start: NaiveDate,
        stored: &HashMap<String, (Option<f64>, String)>,
        computed: &mut Computed<'_>,
    ) -> Result<IndicatorValue> {
        let freq = row.sheet.frequency;
        let p = period_of_start(freq, start);
        let key = period_key(start);
        let (typed, analysis) = stored.get(&key).cloned().unwrap_or((None, String::new()));
        let m = match &row.metric {
            Some(metric) => {
                let ind = computed.get(p)?;
                metric_value(metric, ind)
                    .ok_or_else(|| unknown("indicators.metric", metric.clone()))?
            }
            None => Measure {
                value: typed,
                num: None,
                den: None,
            },
        };
        Ok(IndicatorValue {
            period: key,
            label: period_label(freq, p),
            from: p.from.format("%Y-%m-%d").to_string(),
            to: p.to.format("%Y-%m-%d").to_string(),
            closed: is_closed(p, computed.now),
            value: m.value,
            num: m.num,
            den: m.den,
            light: row.sheet.light_of(m.value),
            analysis,
        })
    }

    /// Starts of the last `n` periods of `freq` ending with the one that contains `now`,
    /// oldest first.
    fn last_starts(freq: Frequency, n: usize, now: DateTime<Utc>) -> Vec<NaiveDate> {
        let current = period_start(freq, to_local(now).date());
        let mut v: Vec<NaiveDate> = (0..n as u32)
            .filter_map(|i| current.checked_sub_months(Months::new(freq.step() * i)))
            .collect();
        v.reverse();
        v
    }

    /// The values of the last `periods` periods of the indicator (the current one last, not
    /// closed), oldest first: the trend.
    pub fn indicator_values(
        &self,
        code: &str,
        periods: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<IndicatorValue>> {
        if periods == 0 || periods > MAX_TREND_PERIODS {
            return Err(CoreError::validation(
                "periodos",
                format!("deben ser de 1 a {MAX_TREND_PERIODS}"),
            ));
        }
        let row = self.sheet_row(code)?;
        let stored = self.stored_values(row.id)?;
        let mut computed = Computed::new(self, now);
        Self::last_starts(row.sheet.frequency, periods, now)
            .into_iter()
            .map(|s| self.value_in(&row, s, &stored, &mut computed))
            .collect()
    }

    /// Every indicator with its last closed and current period, and the «abrir hallazgo»
    /// suggestions: the two last closed periods both critical, not dismissed for those periods.
    pub fn indicator_overview(&self, now: DateTime<Utc>) -> Result<IndicatorOverview> {
        let mut computed = Computed::new(self, now);
        let mut indicators = Vec::new();
        let mut suggestions = Vec::new();
        for row in self.sheet_rows()? {
            let stored = self.stored_values(row.id)?;
            let starts = Self::last_starts(row.sheet.frequency, 3, now);
            let vals = starts
                .into_iter()
                .map(|s| self.value_in(&row, s, &stored, &mut computed))
                .collect::<Result<Vec<_>>>()?;
            let [before, last, current]: [IndicatorValue; 3] = vals
                .try_into()
                .map_err(|_| CoreError::validation("periodo", "fuera del rango de fechas"))?;
            if let Some(s) = self.suggestion(&row, &before, &last)? {
                suggestions.push(s);
            }
            indicators.push(IndicatorStatus {
                sheet: row.sheet,
                last,
                current,
            });
        }
        Ok(IndicatorOverview {
            indicators,
            suggestions,
        })
    }

    fn suggestion(
        &self,
        row: &SheetRow,
        a: &IndicatorValue,
        b: &IndicatorValue,
    ) -> Result<Option<FindingSuggestion>> {
        let (Some(va), Some(vb)) = (a.value, b.value) else {
            return Ok(None);
        };
        if a.light != Some(Light::Critical) || b.light != Some(Light::Critical) {
            return Ok(None);
        }
        let dismissed: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM indicator_dismissals
             WHERE indicator_id = ?1 AND first_period = ?2 AND last_period = ?3",
            params![row.id, a.period, b.period],
            |r| r.get(0),
        )?;
        if dismissed {
            return Ok(None);
        }
        Ok(Some(FindingSuggestion {
            code: row.sheet.code.clone(),
            name: row.sheet.name.clone(),
            first_period: a.period.clone(),
            last_period: b.period.clone(),
            first_label: a.label.clone(),
            last_label: b.label.clone(),
            first_value: va,
            last_value: vb,
            draft: draft(&row.sheet, a, b),
        }))
    }

    /// Two consecutive periods of `code` starting at `first` (`YYYY-MM`): checked to be
    /// consecutive closed periods both in critical.
    fn critical_pair(
        &self,
        code: &str,
        first: &str,
        now: DateTime<Utc>,
    ) -> Result<(SheetRow, IndicatorValue, IndicatorValue)> {
        let row = self.sheet_row(code)?;
        let freq = row.sheet.frequency;
        let a = parse_period(freq, first)?;
        let b = a + Months::new(freq.step());
        let stored = self.stored_values(row.id)?;
        let mut computed = Computed::new(self, now);
        let va = self.value_in(&row, a, &stored, &mut computed)?;
        let vb = self.value_in(&row, b, &stored, &mut computed)?;
        if !vb.closed || va.light != Some(Light::Critical) || vb.light != Some(Light::Critical) {
            return Err(CoreError::validation(
                "periodo",
                format!(
                    "el indicador {} no estuvo en crítico en {} y {} (dos periodos cerrados \
                     seguidos)",
                    row.sheet.code, va.label, vb.label
                ),
            ));
        }
        Ok((row, va, vb))
    }

    /// «Aceptar» a suggestion: the draft of the finding (the improvement plan creates it).
    pub fn indicator_finding_draft(
        &self,
        code: &str,
        first_period: &str,
        now: DateTime<Utc>,
    ) -> Result<FindingDraft> {
        let (row, a, b) = self.critical_pair(code, first_period, now)?;
        Ok(draft(&row.sheet, &a, &b))
    }

    /// «Abrir hallazgo»: the suggestion accepted becomes a finding of the improvement plan
    /// (source «indicador», the indicator's code as reference, the draft as description, and the
    /// cause the user writes).
    pub fn open_finding_from_indicator(
        &mut self,
        code: &str,
        first_period: &str,
        cause: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::plans::Finding> {
        let d = self.indicator_finding_draft(code, first_period, now)?;
        self.create_finding(
            &crate::plans::FindingInput {
                description: format!("{}\n{}", d.title, d.description),
                source: d.source,
                source_ref: Some(d.source_ref),
                found_on: None,
                effect: None,
                causes: vec![cause.to_string()],
            },
            actor,
            now,
        )
    }

    /// Dismisses the suggestion for the two periods starting at `first_period`, with a reason;
    /// it is not suggested again for those periods.
    pub fn dismiss_indicator_suggestion(
        &mut self,
        code: &str,
        first_period: &str,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.authorize(crate::people::Permission::Reports)?;
        let reason = clean_text(reason);
        if reason.is_empty() {
            return Err(CoreError::validation(
                "motivo",
                "escriba por qué no se abre el hallazgo",
            ));
        }
        let (row, a, b) = self.critical_pair(code, first_period, now)?;
        let by = clean(actor);
        self.write(actor, now, |tx| {
            tx.execute(
                "INSERT INTO indicator_dismissals(indicator_id, first_period, last_period, reason,
                                                  actor, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(indicator_id, first_period, last_period) DO UPDATE SET
                    reason = excluded.reason, actor = excluded.actor, at = excluded.at",
                params![row.id, a.period, b.period, reason, by, to_db(now)],
            )?;
            Ok(())
        })
    }

    /// Adds a manual indicator (its values are typed per period).
    pub fn create_indicator(
        &mut self,
        input: &NewIndicator,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<IndicatorSheet> {
        self.authorize(crate::people::Permission::Reports)?;
        let code = clean(&input.code).to_uppercase();
        if code.is_empty() {
            return Err(CoreError::validation("código", "es obligatorio"));
        }
        if code.chars().count() > 20
            || !code
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(CoreError::validation(
                "código",
                format!("«{code}»: hasta 20 letras, números, guiones o puntos, sin espacios"),
            ));
        }
        let sheet = IndicatorSheet {
            code: code.clone(),
            name: clean(&input.name),
            objective: clean_text(&input.objective),
            process: clean(&input.process),
            kind: input.kind,
            formula: clean_text(&input.formula),
            unit: clean(&input.unit),
            frequency: input.frequency,
            frequency_label: input.frequency.label().into(),
            target: input.target,
            satisfactory: input.satisfactory,
            acceptable: input.acceptable,
            direction: input.direction,
            owner_measure: clean(&input.owner_measure),
            owner_analysis: clean(&input.owner_analysis),
            source: clean(&input.source),
            computed: false,
        };
        check_sheet(&sheet)?;
        let exists: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM indicators WHERE code = ?1 COLLATE NOCASE",
            [&code],
            |r| r.get(0),
        )?;
        if exists {
            return Err(CoreError::validation(
                "código",
                format!("ya existe un indicador con el código «{code}»"),
            ));
        }
        self.write(actor, now, |tx| {
            tx.execute(
                "INSERT INTO indicators(code, name, objective, process, kind, formula, unit,
                    frequency, target, satisfactory, acceptable, direction, owner_measure,
                    owner_analysis, source, metric, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, NULL,
                    (SELECT coalesce(max(position), 0) + 1 FROM indicators))",
                params![
                    sheet.code,
                    sheet.name,
                    sheet.objective,
                    sheet.process,
                    sheet.kind.as_str(),
                    sheet.formula,
                    sheet.unit,
                    sheet.frequency.as_str(),
                    sheet.target,
                    sheet.satisfactory,
                    sheet.acceptable,
                    sheet.direction.as_str(),
                    sheet.owner_measure,
                    sheet.owner_analysis,
                    sheet.source,
                ],
            )?;
            Ok(())
        })?;
        self.indicator_sheet(&code)
    }

    /// Edits a sheet (target, thresholds, frequency, owner…). The formula of a computed
    /// indicator is the report annex's and cannot be changed.
    pub fn update_indicator(
        &mut self,
        code: &str,
        patch: &IndicatorPatch,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<IndicatorSheet> {
        self.authorize(crate::people::Permission::Reports)?;
        let row = self.sheet_row(code)?;
        let mut s = row.sheet.clone();
        if let Some(f) = &patch.formula {
            let f = clean_text(f);
            if s.computed {
                if f != s.formula {
                    return Err(CoreError::validation(
                        "fórmula",
                        format!(
                            "el indicador {} se calcula con los datos de la mesa de ayuda; su \
                             fórmula es la del anexo del informe y no se edita",
                            s.code
                        ),
                    ));
                }
            } else {
                s.formula = f;
            }
        }
        if let Some(v) = &patch.name {
            s.name = clean(v);
        }
        if let Some(v) = &patch.objective {
            s.objective = clean_text(v);
        }
        if let Some(v) = &patch.process {
            s.process = clean(v);
        }
        if let Some(v) = patch.kind {
            s.kind = v;
        }
        if let Some(v) = &patch.unit {
            s.unit = clean(v);
        }
        if let Some(v) = patch.frequency {
            s.frequency = v;
            s.frequency_label = v.label().into();
        }
        if let Some(v) = patch.target {
            s.target = v;
        }
        if let Some(v) = patch.satisfactory {
            s.satisfactory = v;
        }
        if let Some(v) = patch.acceptable {
            s.acceptable = v;
        }
        if let Some(v) = patch.direction {
            s.direction = v;
        }
        if let Some(v) = &patch.owner_measure {
            s.owner_measure = clean(v);
        }
        if let Some(v) = &patch.owner_analysis {
            s.owner_analysis = clean(v);
        }
        if let Some(v) = &patch.source {
            s.source = clean(v);
        }
        check_sheet(&s)?;
        let stored_formula = if s.computed {
            String::new()
        } else {
            s.formula.clone()
        };
        self.write(actor, now, |tx| {
            tx.execute(
                "UPDATE indicators SET name = ?2, objective = ?3, process = ?4, kind = ?5,
                    formula = ?6, unit = ?7, frequency = ?8, target = ?9, satisfactory = ?10,
                    acceptable = ?11, direction = ?12, owner_measure = ?13, owner_analysis = ?14,
                    source = ?15
                 WHERE id = ?1",
                params![
                    row.id,
                    s.name,
                    s.objective,
                    s.process,
                    s.kind.as_str(),
                    stored_formula,
                    s.unit,
                    s.frequency.as_str(),
                    s.target,
                    s.satisfactory,
                    s.acceptable,
                    s.direction.as_str(),
                    s.owner_measure,
                    s.owner_analysis,
                    s.source,
                ],
            )?;
            Ok(())
        })?;
        Ok(s)
    }

    /// Types the value of a manual indicator for a period (`YYYY-MM`; the period of the
    /// indicator's frequency that contains it), with its analysis when given. A computed
    /// indicator is refused; so is a period that has not begun.
    pub fn set_indicator_value(
        &mut self,
        code: &str,
        period: &str,
        value: f64,
        analysis: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<IndicatorValue> {
        self.authorize(crate::people::Permission::Reports)?;
        let row = self.sheet_row(code)?;
        if row.sheet.computed {
            return Err(CoreError::validation(
                "valor",
                format!(
                    "el indicador {} se calcula con los datos de la mesa de ayuda; su valor no se \
                     digita (solo su análisis)",
                    row.sheet.code
                ),
            ));
        }
        let value = number("valor", value)?;
        let start = self.started_period(&row, period, now)?;
        let key = period_key(start);
        let analysis = analysis.map(clean_text);
        let by = clean(actor);
        self.write(actor, now, |tx| {
            tx.execute(
                "INSERT INTO indicator_values(indicator_id, period, value, analysis, updated_at,
                                              updated_by)
                 VALUES (?1, ?2, ?3, coalesce(?4, ''), ?5, ?6)
                 ON CONFLICT(indicator_id, period) DO UPDATE SET value = excluded.value,
                    analysis = coalesce(?4, indicator_values.analysis), updated_at = excluded.updated_at,
                    updated_by = excluded.updated_by",
                params![row.id, key, value, analysis, to_db(now), by],
            )?;
            Ok(())
        })?;
        self.value_of(&row, start, now)
    }

    /// Stores the analysis text of an indicator's period (any indicator).
    pub fn set_indicator_analysis(
        &mut self,
        code: &str,
        period: &str,
        text: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<IndicatorValue> {
        self.authorize(crate::people::Permission::Reports)?;
        let row = self.sheet_row(code)?;
        let start = self.started_period(&row, period, now)?;
        let key = period_key(start);
        let text = clean_text(text);
        if text.chars().count() > 10_000 {
            return Err(CoreError::validation(
                "análisis",
                "admite hasta 10.000 caracteres",
            ));
        }
        let by = clean(actor);
        self.write(actor, now, |tx| {
            tx.execute(
                "INSERT INTO indicator_values(indicator_id, period, value, analysis, updated_at,
                                              updated_by)
                 VALUES (?1, ?2, NULL, ?3, ?4, ?5)
                 ON CONFLICT(indicator_id, period) DO UPDATE SET analysis = excluded.analysis,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![row.id, key, text, to_db(now), by],
            )?;
            Ok(())
        })?;
        self.value_of(&row, start, now)
    }

    fn started_period(
        &self,
        row: &SheetRow,
        period: &str,
        now: DateTime<Utc>,
    ) -> Result<NaiveDate> {
        let start = parse_period(row.sheet.frequency, period)?;
        if period_of_start(row.sheet.frequency, start).bounds().0 > now {
            return Err(CoreError::validation(
                "periodo",
                format!(
                    "el periodo {} aún no ha empezado",
                    period_label(
                        row.sheet.frequency,
                        period_of_start(row.sheet.frequency, start)
                    )
                ),
            ));
        }
        Ok(start)
    }

    fn value_of(
        &self,
        row: &SheetRow,
        start: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<IndicatorValue> {
        let stored = self.stored_values(row.id)?;
        let mut computed = Computed::new(self, now);
        self.value_in(row, start, &stored, &mut computed)
    }

    /// The target and light of each computed indicator that has a sheet, for the values of a
    /// report period (`metric` → mark).
    pub fn indicator_marks(&self, ind: &Indicators) -> Result<HashMap<String, ReportMark>> {
        let mut out = HashMap::new();
        for row in self.sheet_rows()? {
            let Some(metric) = row.metric else { continue };
            let Some(m) = metric_value(&metric, ind) else {
                continue;
            };
            out.insert(
                metric,
                ReportMark {
                    target: row.sheet.target_text(),
                    light: row.sheet.light_of(m.value),
                },
            );
        }
        Ok(out)
    }
}

fn draft(sheet: &IndicatorSheet, a: &IndicatorValue, b: &IndicatorValue) -> FindingDraft {
    let v = |x: &IndicatorValue| {
        x.value
            .map(|v| fmt_with_unit(v, &sheet.unit))
            .unwrap_or_else(|| "—".into())
    };
    FindingDraft {
        title: format!("Indicador {} en crítico: {}", sheet.code, sheet.name),
        description: format!(
            "El indicador {} «{}» estuvo en crítico dos periodos seguidos: {} ({}) y {} ({}). \
             Meta {}; límite aceptable {}.",
            sheet.code,
            sheet.name,
            a.label,
            v(a),
            b.label,
            v(b),
            sheet.target_text(),
            fmt_with_unit(sheet.acceptable, &sheet.unit),
        ),
        source: "indicador".into(),
        source_ref: sheet.code.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lights_at_the_edges_higher_is_better() {
        let l = |v: f64| light(Some(v), Direction::Up, 90.0, 80.0);
        assert_eq!(l(100.0), Some(Light::Satisfactory));
        assert_eq!(l(90.0), Some(Light::Satisfactory));
        assert_eq!(l(89.99), Some(Light::Acceptable));
        assert_eq!(l(80.0), Some(Light::Acceptable));
        assert_eq!(l(79.99), Some(Light::Critical));
        assert_eq!(l(0.0), Some(Light::Critical));
        assert_eq!(light(None, Direction::Up, 90.0, 80.0), None);
        assert_eq!(light(Some(f64::NAN), Direction::Up, 90.0, 80.0), None);
        // 9 of 10 computed as a rate is exactly 90.
        assert_eq!(l(9.0 * 100.0 / 10.0), Some(Light::Satisfactory));
    }

    #[test]
    fn lights_at_the_edges_lower_is_better() {
        let l = |v: f64| light(Some(v), Direction::Down, 10.0, 20.0);
        assert_eq!(l(0.0), Some(Light::Satisfactory));
        assert_eq!(l(10.0), Some(Light::Satisfactory));
        assert_eq!(l(10.01), Some(Light::Acceptable));
        assert_eq!(l(20.0), Some(Light::Acceptable));
        assert_eq!(l(20.01), Some(Light::Critical));
        assert_eq!(light(None, Direction::Down, 10.0, 20.0), None);
    }

    #[test]
    fn periods_of_each_frequency() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            period_start(Frequency::Quarterly, d("2026-05-17")),
            d("2026-04-01")
        );
        assert_eq!(
            period_start(Frequency::Bimonthly, d("2026-04-30")),
            d("2026-03-01")
        );
        assert_eq!(
            period_start(Frequency::Semiannual, d("2026-12-31")),
            d("2026-07-01")
        );
        assert_eq!(
            period_start(Frequency::Annual, d("2026-06-01")),
            d("2026-01-01")
        );
        let q = period_of_start(Frequency::Quarterly, d("2026-01-01"));
        assert_eq!(q.to, d("2026-03-31"));
        assert_eq!(period_label(Frequency::Quarterly, q), "ene–mar 2026");
        let m = period_of_start(Frequency::Monthly, d("2024-02-01"));
        assert_eq!(m.to, d("2024-02-29"));
        assert_eq!(period_label(Frequency::Monthly, m), "febrero de 2024");
        assert_eq!(
            parse_period(Frequency::Quarterly, "2026-03").unwrap(),
            d("2026-01-01")
        );
        assert_eq!(
            parse_period(Frequency::Annual, "2026").unwrap(),
            d("2026-01-01")
        );
        assert!(parse_period(Frequency::Monthly, "2026-13").is_err());
        assert!(parse_period(Frequency::Monthly, "marzo").is_err());
    }

    #[test]
    fn every_metric_has_its_annex_formula() {
        for (m, _) in METRICS {
            assert!(!annex_formula(m).is_empty(), "{m}");
        }
        assert_eq!(fmt_value(3.5), "3,5");
        assert_eq!(fmt_value(90.0), "90");
        assert_eq!(fmt_value(66.6667), "66,67");
    }
}

/// One indicator over a report period (the management report): its value over the whole
/// period, the values of its own periods inside it (the trend) and their analysis texts.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodIndicator {
    pub sheet: IndicatorSheet,
    /// Computed: the figure over the whole period. Manual: the last value typed for a period
    /// inside it.
    pub measure: Measure,
    /// The indicator's periods that start inside the report period and have begun, oldest
    /// first.
    pub trend: Vec<IndicatorValue>,
}

impl Store {
    /// Every indicator over the report period `p` (see [`PeriodIndicator`]).
    pub fn indicators_over(&self, p: Period, now: DateTime<Utc>) -> Result<Vec<PeriodIndicator>> {
        let mut computed = Computed::new(self, now);
        let mut out = Vec::new();
        for row in self.sheet_rows()? {
            let freq = row.sheet.frequency;
            let stored = self.stored_values(row.id)?;
            let mut trend = Vec::new();
            let mut start = period_start(freq, p.from);
            while start <= p.to && trend.len() < MAX_TREND_PERIODS {
                if period_of_start(freq, start).bounds().0 > now {
                    break;
                }
                // A period that began before the report's first day is left out unless it is
                // the only one (a yearly indicator in a quarterly report).
                if start >= p.from || period_of_start(freq, start).to >= p.to {
                    trend.push(self.value_in(&row, start, &stored, &mut computed)?);
                }
                start = start + Months::new(freq.step());
            }
            let measure = match &row.metric {
                Some(metric) => metric_value(metric, computed.get(p)?)
                    .ok_or_else(|| unknown("indicators.metric", metric.clone()))?,
                None => Measure {
                    value: trend.iter().rev().find_map(|v| v.value),
                    num: None,
                    den: None,
                },
            };
            out.push(PeriodIndicator {
                sheet: row.sheet,
                measure,
                trend,
            });
        }
        Ok(out)
    }
}
