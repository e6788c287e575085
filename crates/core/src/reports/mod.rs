//! The help-desk report (informe de mesa de ayuda) of any period: indicators computed from the
//! cases, their timeline and surveys, maintenance compliance, equipment decommissioned, the
//! detail of services executed with the products delivered, and the analysis/improvement
//! actions the technician stores with it (seed 001, activity 16).
//!
//! Every formula is written in [`FORMULAS`], which the PDF and XLSX print as an annex.
//! Periods are whole Bogota days `[from 00:00, to + 1 day 00:00)`.

pub mod documents;

use std::collections::{BTreeMap, HashMap};

use crate::db::{params, OptionalExt};
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{from_db, from_local, to_db, to_local, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::store::Store;
use crate::text::clean;

/// A period of whole days (Bogota), both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        CoreError::validation(field, format!("«{}» no es una fecha AAAA-MM-DD", s.trim()))
    })
}

impl Period {
    pub fn parse(from: &str, to: &str) -> Result<Period> {
        let from = parse_date("desde", from)?;
        let to = parse_date("hasta", to)?;
        if to < from {
            return Err(CoreError::validation(
                "hasta",
                format!(
                    "el periodo termina ({}) antes de empezar ({})",
                    to.format("%d/%m/%Y"),
                    from.format("%d/%m/%Y")
                ),
            ));
        }
        Ok(Period { from, to })
    }

    /// UTC bounds `[start, end)`.
    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = from_local(self.from.and_hms_opt(0, 0, 0).expect("midnight"));
        let end = from_local(
            (self.to + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .expect("midnight"),
        );
        (start, end)
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Number of whole calendar months the period covers exactly, if it does.
    fn whole_months(&self) -> Option<u32> {
        if self.from.day() != 1 || (self.to + Duration::days(1)).day() != 1 {
            return None;
        }
        let next = self.to + Duration::days(1);
        let m =
            (next.year() - self.from.year()) * 12 + next.month() as i32 - self.from.month() as i32;
        (m > 0).then_some(m as u32)
    }

    /// The previous period of equal length: the previous k months when the period is k whole
    /// months (a month, a quarter, a year), otherwise the same number of days just before.
    pub fn previous(&self) -> Period {
        if let Some(k) = self.whole_months() {
            let from = self.from - Months::new(k);
            return Period {
                from,
                to: self.from - Duration::days(1),
            };
        }
        let d = self.days();
        Period {
            from: self.from - Duration::days(d),
            to: self.from - Duration::days(1),
        }
    }

    pub fn label(&self) -> String {
        format!(
            "{} a {}",
            self.from.format("%d/%m/%Y"),
            self.to.format("%d/%m/%Y")
        )
    }
}

/// A count per value of a field (service type, dependencia, channel…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Count {
    pub key: String,
    pub count: i64,
}

/// A proportion: `num ÷ den × 100` (`pct` is `null` when `den` is 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Rate {
    pub num: i64,
    pub den: i64,
    pub pct: Option<f64>,
}

impl Rate {
    pub fn new(num: i64, den: i64) -> Rate {
        Rate {
            num,
            den,
            pct: (den > 0).then(|| num as f64 * 100.0 / den as f64),
        }
    }
}

/// Mean and median of business hours over `cases` cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HoursStat {
    pub cases: i64,
    pub mean_hours: Option<f64>,
    pub median_hours: Option<f64>,
}

impl HoursStat {
    fn from_minutes(mut v: Vec<i64>) -> HoursStat {
        v.sort_unstable();
        let n = v.len();
        let mean = (n > 0).then(|| v.iter().sum::<i64>() as f64 / n as f64 / 60.0);
        let median = (n > 0).then(|| {
            if n % 2 == 1 {
                v[n / 2] as f64 / 60.0
            } else {
                (v[n / 2 - 1] + v[n / 2]) as f64 / 120.0
            }
        });
        HoursStat {
            cases: n as i64,
            mean_hours: mean,
            median_hours: median,
        }
    }
}

/// Satisfaction for one question (or overall): mean and distribution of scores 1–5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct QuestionStat {
    pub question: String,
    pub answers: i64,
    pub mean: Option<f64>,
    /// Number of answers with score 1, 2, 3, 4 and 5.
    pub distribution: Vec<i64>,
}

impl QuestionStat {
    fn new(question: &str) -> Self {
        QuestionStat {
            question: question.to_string(),
            answers: 0,
            mean: None,
            distribution: vec![0; 5],
        }
    }
    fn add(&mut self, score: i64) {
        if (1..=5).contains(&score) {
            self.distribution[(score - 1) as usize] += 1;
            self.answers += 1;
        }
    }
    fn finish(&mut self) {
        let sum: i64 = self
            .distribution
            .iter()
            .enumerate()
            .map(|(i, n)| (i as i64 + 1) * n)
            .sum();
        self.mean = (self.answers > 0).then(|| sum as f64 / self.answers as f64);
    }
}

/// An equipment whose decommission (concepto técnico de baja) was approved in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Decommissioned {
    pub tag: String,
    pub kind: String,
    pub concept: String,
    /// `YYYY-MM-DD` (Bogota).
    pub date: String,
}

/// Time recorded on cases («tiempo invertido») under one key (service type or technician).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TimeSpent {
    pub key: String,
    pub minutes: i64,
    /// Distinct cases the minutes were recorded on.
    pub cases: i64,
}

/// The indicators of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Indicators {
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
    pub received: i64,
    pub by_type: Vec<Count>,
    pub by_department: Vec<Count>,
    pub by_channel: Vec<Count>,
    pub by_level: Vec<Count>,
    pub by_assignee: Vec<Count>,
    pub by_origin: Vec<Count>,
    pub resolved: i64,
    pub closed: i64,
    /// Closed after the requester verified (directly or by answering the survey).
    pub closed_verified: i64,
    pub closed_auto: i64,
    pub closed_imported: i64,
    /// Auto-closed ÷ closed.
    pub auto_closed: Rate,
    pub cancelled: i64,
    /// Open at the period's end.
    pub backlog: i64,
    /// First attention within the response target (12 business hours by default).
    pub response_on_time: Rate,
    /// Of `response_on_time.den`: still without first attention at the period's end, past the
    /// deadline that fell in the period (counted as late).
    pub response_waiting_late: i64,
    pub resolution_on_time: Rate,
    pub resolution_waiting_late: i64,
    pub first_response_time: HoursStat,
    pub resolution_time: HoursStat,
    pub escalated: Rate,
    pub reopened: Rate,
    pub survey_response: Rate,
    pub questions: Vec<QuestionStat>,
    pub overall: QuestionStat,
    /// Imported cases with only a date of receipt, left out of time-based indicators.
    pub date_only_excluded: i64,
    /// Preventive maintenance compliance of the plan of the period's final year, up to its end.
    pub maintenance: Option<crate::maintenance::Compliance>,
    pub decommissioned: Vec<Decommissioned>,
    /// «Tiempo invertido»: minutes recorded in the period, per service type and per technician
    /// (see [`FORMULAS`]), and their total.
    pub time_by_type: Vec<TimeSpent>,
    pub time_by_technician: Vec<TimeSpent>,
    pub time_total_minutes: i64,
}

/// One service executed (a case resolved in the period) with its products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Activity {
    pub number: String,
    /// `YYYY-MM-DD` (Bogota).
    pub resolved_on: String,
    pub service_type: String,
    pub department: String,
    pub assignee: String,
    pub description: String,
    pub solution: String,
    pub products: String,
}

/// A stored report: the period with the analysis and improvement actions typed by the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StoredReport {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub analysis: String,
    pub actions: String,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

/// Everything the report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HelpdeskReport {
    pub current: Indicators,
    pub previous: Indicators,
    /// Services executed (cases resolved in the period) per service type.
    pub activities_by_type: Vec<Count>,
    pub activities: Vec<Activity>,
    pub analysis: String,
    pub actions: String,
    /// RFC 3339, Bogota.
    pub generated_at: String,
}

/// The annex: each indicator and how it is computed.
pub const FORMULAS: &[(&str, &str)] = &[
    (
        "Periodo",
        "Días completos en hora de Bogotá, desde las 00:00 del primer día hasta las 24:00 del último.",
    ),
    (
        "Casos recibidos",
        "Casos cuya fecha y hora de recepción (received_at) cae en el periodo, incluidos los anulados; se desagregan por tipo de servicio, dependencia, canal, nivel, técnico asignado y origen (interno/externo).",
    ),
    (
        "Casos solucionados",
        "Casos cuya fecha de solución (última, si se reabrieron) cae en el periodo.",
    ),
    (
        "Casos cerrados",
        "Casos cuya fecha de cierre cae en el periodo: verificados por el solicitante (directamente o al responder la encuesta), cerrados automáticamente al vencer el plazo de la encuesta, o importados ya cerrados.",
    ),
    (
        "% de cierre automático",
        "Cerrados automáticamente ÷ cerrados en el periodo × 100 (se informa aparte de los verificados).",
    ),
    (
        "Casos anulados",
        "Casos anulados (evento de anulación) dentro del periodo.",
    ),
    (
        "Casos abiertos al cierre (pendientes)",
        "Casos recibidos antes del fin del periodo que a esa fecha no estaban solucionados, cerrados ni anulados.",
    ),
    (
        "% atendidos dentro del plazo de respuesta",
        "Casos cuya primera atención ocurrió dentro del plazo de respuesta (12 horas hábiles por omisión, según tipo de servicio y nivel) ÷ casos cuyo reloj de respuesta terminó en el periodo × 100. Los casos que al fin del periodo seguían sin primera atención y cuyo plazo venció dentro del periodo cuentan en el denominador como atendidos fuera de plazo.",
    ),
    (
        "% solucionados dentro del plazo de solución",
        "Casos solucionados en el periodo antes de su fecha límite de solución ÷ (casos solucionados en el periodo + casos sin solucionar al fin del periodo cuya fecha límite venció dentro del periodo) × 100.",
    ),
    (
        "Tiempo a la primera atención",
        "Horas hábiles (calendario de la entidad: lunes a viernes 8:00–12:00 y 14:00–18:00 sin festivos, por omisión) entre la recepción y la primera atención, sin contar el tiempo en espera; media y mediana de los casos con primera atención en el periodo.",
    ),
    (
        "Tiempo de solución",
        "Horas hábiles entre la recepción y la solución, sin contar el tiempo en espera; media y mediana de los casos solucionados en el periodo.",
    ),
    (
        "% escalados",
        "Casos recibidos en el periodo que se escalaron al menos una vez ÷ casos recibidos × 100.",
    ),
    (
        "% reabiertos",
        "Casos recibidos en el periodo cuya solución fue rechazada al menos una vez ÷ casos recibidos × 100.",
    ),
    (
        "Tasa de respuesta de la encuesta",
        "Encuestas respondidas de los casos solucionados en el periodo ÷ casos solucionados en el periodo × 100.",
    ),
    (
        "Satisfacción por pregunta",
        "Media de las calificaciones (1 a 5) dadas a cada pregunta en las encuestas de los casos solucionados en el periodo, con su distribución; la satisfacción general es la media de todas las calificaciones.",
    ),
    (
        "Cumplimiento del mantenimiento preventivo",
        "Actividades ejecutadas ÷ actividades programadas hasta el fin del periodo en el plan de la vigencia del último día del periodo × 100; a tiempo = ejecutadas dentro del mes programado ÷ programadas × 100.",
    ),
    (
        "Equipos dados de baja",
        "Conceptos técnicos de baja aprobados dentro del periodo.",
    ),
    (
        "Tiempo invertido",
        "Suma de los minutos registrados en el periodo: los de cada seguimiento (público o nota interna) con fecha en el periodo, atribuidos a quien lo registró, más el tiempo empleado anotado al solucionar un caso solucionado en el periodo, atribuido al técnico asignado; por tipo de servicio del caso («Sin clasificar» si no tiene) y por técnico. Casos = casos distintos con minutos registrados.",
    ),
    (
        "Casos importados con solo fecha",
        "Los casos importados cuya recepción tiene solo la fecha (sin hora) no entran en los indicadores de tiempo (plazos, tiempos medios y medianas); sí se cuentan como recibidos, solucionados y cerrados.",
    ),
    (
        "Periodo anterior",
        "Para un periodo de meses completos (mes, trimestre, año), los mismos meses inmediatamente anteriores; para otro periodo, el mismo número de días inmediatamente anterior.",
    ),
];

struct CaseRow {
    id: i64,
    received: Option<DateTime<Utc>>,
    date_only: bool,
    lacks_sla: bool,
    department: String,
    service_type: Option<String>,
    channel: String,
    origin: String,
    level: i64,
    assignee: Option<String>,
    response_due: Option<DateTime<Utc>>,
    resolution_due: Option<DateTime<Utc>>,
    first_response: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    closed: Option<DateTime<Utc>>,
    close_reason: Option<String>,
    cancelled: Option<DateTime<Utc>>,
    escalations: i64,
    reopens: i64,
    scores: Option<Vec<i64>>,
}

fn t(v: Option<String>) -> Result<Option<DateTime<Utc>>> {
    v.as_deref().map(from_db).transpose()
}

fn in_range(x: Option<DateTime<Utc>>, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    x.is_some_and(|x| x >= start && x < end)
}

fn counts(map: BTreeMap<String, i64>) -> Vec<Count> {
    let mut v: Vec<Count> = map
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

pub fn level_label(level: i64) -> String {
    match level {
        1 => "Nivel 1 — técnico".into(),
        2 => "Nivel 2 — ingeniero".into(),
        3 => "Nivel 3 — proveedor externo".into(),
        n => format!("Nivel {n}"),
    }
}

type Pauses = HashMap<i64, Vec<(NaiveDateTime, Option<NaiveDateTime>)>>;

impl Store {
    /// Cases that can matter for a period ending at `end` and starting at `start`.
    fn report_cases(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Vec<CaseRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.id, t.received_at, t.received_date_only, t.sla_lacks_data, t.department,
                    t.service_type, t.channel, t.origin, t.level, t.assignee, t.response_due_at,
                    t.resolution_due_at, t.first_response_at, t.resolved_at, t.closed_at,
                    t.close_reason,
                    CASE WHEN t.status = 'cancelled' THEN
                        coalesce((SELECT max(e.at) FROM ticket_events e
                                  WHERE e.ticket_id = t.id AND e.kind = 'cancel'), t.registered_at)
                    END AS cancelled_at,
                    t.escalation_count, t.reopen_count, s.scores
             FROM tickets t LEFT JOIN surveys s ON s.ticket_id = t.id
             WHERE coalesce(t.received_at, t.registered_at) < :end
               AND (t.received_at >= :start OR t.resolved_at >= :start OR t.closed_at >= :start
                    OR t.first_response_at >= :start OR t.resolved_at IS NULL
                    OR t.resolution_due_at >= :start OR t.response_due_at >= :start)",
        )?;
        let raw = stmt
            .query_map(
                crate::named_params! {":start": to_db(start), ":end": to_db(end)},
                |r| {
                    Ok((
                        r.get::<_, i64>("id")?,
                        [
                            r.get::<_, Option<String>>("received_at")?,
                            r.get("response_due_at")?,
                            r.get("resolution_due_at")?,
                            r.get("first_response_at")?,
                            r.get("resolved_at")?,
                            r.get("closed_at")?,
                            r.get("cancelled_at")?,
                        ],
                        (
                            r.get::<_, i64>("received_date_only")? == 1,
                            r.get::<_, i64>("sla_lacks_data")? == 1,
                            r.get::<_, String>("department")?,
                            r.get::<_, Option<String>>("service_type")?,
                            r.get::<_, String>("channel")?,
                            r.get::<_, String>("origin")?,
                            r.get::<_, i64>("level")?,
                            r.get::<_, Option<String>>("assignee")?,
                        ),
                        (
                            r.get::<_, Option<String>>("close_reason")?,
                            r.get::<_, i64>("escalation_count")?,
                            r.get::<_, i64>("reopen_count")?,
                            r.get::<_, Option<String>>("scores")?,
                        ),
                    ))
                },
            )?
            .collect::<crate::error::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(raw.len());
        for (id, times, a, b) in raw {
            let [rec, rdue, sdue, first, resolved, closed, cancelled] = times;
            let scores = match b.3 {
                Some(s) => Some(serde_json::from_str::<Vec<i64>>(&s)?),
                None => None,
            };
            out.push(CaseRow {
                id,
                received: t(rec)?,
                date_only: a.0,
                lacks_sla: a.1,
                department: a.2,
                service_type: a.3,
                channel: a.4,
                origin: a.5,
                level: a.6,
                assignee: a.7,
                response_due: t(rdue)?,
                resolution_due: t(sdue)?,
                first_response: t(first)?,
                resolved: t(resolved)?,
                closed: t(closed)?,
                close_reason: b.0,
                cancelled: t(cancelled)?,
                escalations: b.1,
                reopens: b.2,
                scores,
            });
        }
        Ok(out)
    }

    fn all_pauses(&self) -> Result<Pauses> {
        let mut map: Pauses = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT ticket_id, started_at, ended_at FROM ticket_pauses")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>("ticket_id")?,
                    r.get::<_, String>("started_at")?,
                    r.get::<_, Option<String>>("ended_at")?,
                ))
            })?
            .collect::<crate::error::Result<Vec<_>>>()?;
        for (id, s, e) in rows {
            let s = to_local(from_db(&s)?);
            let e = e.as_deref().map(from_db).transpose()?.map(to_local);
            map.entry(id).or_default().push((s, e));
        }
        Ok(map)
    }

    /// The indicators of `period` as known at `now` (see [`FORMULAS`]): a deadline not yet
    /// reached at `now` is not judged.
    pub fn indicators(&self, period: Period, now: DateTime<Utc>) -> Result<Indicators> {
        let pauses = self.all_pauses()?;
        self.indicators_with(period, &pauses, now)
    }

    fn indicators_with(
        &self,
        period: Period,
        pauses: &Pauses,
        now: DateTime<Utc>,
    ) -> Result<Indicators> {
        let (start, end) = period.bounds();
        // Deadlines are judged up to the period's end, or up to now in a running period.
        let cutoff = end.min(now);
        let cases = self.report_cases(start, end)?;
        let questions: Vec<String> = self
            .conn
            .prepare_cached("SELECT text FROM survey_questions ORDER BY position")?
            .query_map([], |r| r.get(0))?
            .collect::<crate::error::Result<_>>()?;
        let cal = &self.calendar;
        let no_pauses = Vec::new();
        let biz = |c: &CaseRow, b: DateTime<Utc>| -> Option<i64> {
            let a = c.received?;
            let p = pauses.get(&c.id).unwrap_or(&no_pauses);
            Some(cal.business_minutes_between_with_pauses(to_local(a), to_local(b), p))
        };
        let mut by: [BTreeMap<String, i64>; 6] = Default::default();
        let (mut received, mut resolved, mut closed, mut cancelled, mut backlog) = (0, 0, 0, 0, 0);
        let (mut c_verified, mut c_auto, mut c_imported) = (0, 0, 0);
        let (mut resp_ok, mut resp_den, mut resp_wait) = (0, 0, 0);
        let (mut sol_ok, mut sol_den, mut sol_wait) = (0, 0, 0);
        let (mut escalated, mut reopened, mut date_only) = (0, 0, 0);
        let mut first_minutes = vec![];
        let mut resolution_minutes = vec![];
        let mut answered = 0;
        let mut qstats: Vec<QuestionStat> =
            questions.iter().map(|q| QuestionStat::new(q)).collect();
        let mut overall = QuestionStat::new("Satisfacción general (todas las preguntas)");
        for c in &cases {
            let received_in = in_range(c.received, start, end);
            let timed = c.received.is_some() && !c.date_only && !c.lacks_sla;
            if received_in {
                received += 1;
                let ty = c.service_type.clone().unwrap_or_else(|| "Sin tipo".into());
                *by[0].entry(ty).or_default() += 1;
                *by[1].entry(c.department.clone()).or_default() += 1;
                *by[2].entry(c.channel.clone()).or_default() += 1;
                *by[3].entry(level_label(c.level)).or_default() += 1;
                let who = c.assignee.clone().unwrap_or_else(|| "Sin asignar".into());
                *by[4].entry(who).or_default() += 1;
                let origin = match c.origin.as_str() {
                    "interna" => "Interna".to_string(),
                    "externa" => "Externa".to_string(),
                    o => o.to_string(),
                };
                *by[5].entry(origin).or_default() += 1;
                if c.escalations > 0 {
                    escalated += 1;
                }
                if c.reopens > 0 {
                    reopened += 1;
                }
                if c.received.is_some() && c.date_only {
                    date_only += 1;
                }
            }
            let resolved_in = in_range(c.resolved, start, end);
            if resolved_in {
                resolved += 1;
                if let Some(s) = &c.scores {
                    answered += 1;
                    for (i, v) in s.iter().enumerate() {
                        if let Some(q) = qstats.get_mut(i) {
                            q.add(*v);
                        }
                        overall.add(*v);
                    }
                }
            }
            if in_range(c.closed, start, end) {
                closed += 1;
                match c.close_reason.as_deref() {
                    Some("auto") => c_auto += 1,
                    Some("imported") => c_imported += 1,
                    _ => c_verified += 1,
                }
            }
            if in_range(c.cancelled, start, end) {
                cancelled += 1;
            }
            // Open at the end: received before it, not resolved/closed/cancelled before it.
            let before_end = |x: Option<DateTime<Utc>>| x.is_some_and(|x| x < end);
            let arrived = c.received.is_some_and(|r| r < end);
            if arrived
                && !before_end(c.resolved)
                && !before_end(c.closed)
                && !before_end(c.cancelled)
            {
                backlog += 1;
            }
            if !timed {
                continue;
            }
            // Response clock.
            if let Some(due) = c.response_due {
                if in_range(c.first_response, start, end) {
                    resp_den += 1;
                    if c.first_response.is_some_and(|f| f <= due) {
                        resp_ok += 1;
                    }
                } else if !before_end(c.first_response)
                    && c.cancelled.is_none()
                    && due >= start
                    && due < cutoff
                    && !before_end(c.resolved)
                {
                    resp_den += 1;
                    resp_wait += 1;
                }
            }
            if let Some(f) = c.first_response.filter(|f| *f >= start && *f < end) {
                if let Some(m) = biz(c, f) {
                    first_minutes.push(m);
                }
            }
            // Resolution clock.
            if let Some(due) = c.resolution_due {
                if resolved_in {
                    sol_den += 1;
                    if c.resolved.is_some_and(|r| r <= due) {
                        sol_ok += 1;
                    }
                } else if !before_end(c.resolved)
                    && !before_end(c.closed)
                    && c.cancelled.is_none()
                    && due >= start
                    && due < cutoff
                {
                    sol_den += 1;
                    sol_wait += 1;
                }
            }
            if resolved_in {
                if let Some(m) = c.resolved.and_then(|r| biz(c, r)) {
                    resolution_minutes.push(m);
                }
            }
        }
        for q in &mut qstats {
            q.finish();
        }
        overall.finish();
        let [by_type, by_department, by_channel, by_level, by_assignee, by_origin] = by.map(counts);
        let (time_by_type, time_by_technician, time_total_minutes) = self.time_spent(start, end)?;
        Ok(Indicators {
            from: period.from.format("%Y-%m-%d").to_string(),
            to: period.to.format("%Y-%m-%d").to_string(),
            received,
            by_type,
            by_department,
            by_channel,
            by_level,
            by_assignee,
            by_origin,
            resolved,
            closed,
            closed_verified: c_verified,
            closed_auto: c_auto,
            closed_imported: c_imported,
            auto_closed: Rate::new(c_auto, closed),
            cancelled,
            backlog,
            response_on_time: Rate::new(resp_ok, resp_den),
            response_waiting_late: resp_wait,
            resolution_on_time: Rate::new(sol_ok, sol_den),
            resolution_waiting_late: sol_wait,
            first_response_time: HoursStat::from_minutes(first_minutes),
            resolution_time: HoursStat::from_minutes(resolution_minutes),
            escalated: Rate::new(escalated, received),
            reopened: Rate::new(reopened, received),
            survey_response: Rate::new(answered, resolved),
            questions: qstats,
            overall,
            date_only_excluded: date_only,
            maintenance: self.maintenance_figures(period)?,
            decommissioned: self.decommissioned_in(start, end)?,
            time_by_type,
            time_by_technician,
            time_total_minutes,
        })
    }

    /// «Tiempo invertido» in `[start, end)`: (per service type, per technician, total minutes).
    fn time_spent(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(Vec<TimeSpent>, Vec<TimeSpent>, i64)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.id AS ticket, t.service_type AS stype, f.actor AS who, f.minutes AS minutes
             FROM ticket_followups f JOIN tickets t ON t.id = f.ticket_id
             WHERE f.minutes IS NOT NULL AND f.at >= :start AND f.at < :end
             UNION ALL
             SELECT t.id, t.service_type, t.assignee, t.time_spent_minutes
             FROM tickets t
             WHERE t.time_spent_minutes IS NOT NULL AND t.resolved_at >= :start
               AND t.resolved_at < :end",
        )?;
        let rows = stmt
            .query_map(
                crate::named_params! {":start": to_db(start), ":end": to_db(end)},
                |r| {
                    Ok((
                        r.get::<_, i64>("ticket")?,
                        r.get::<_, Option<String>>("stype")?,
                        r.get::<_, Option<String>>("who")?,
                        r.get::<_, i64>("minutes")?,
                    ))
                },
            )?
            .collect::<crate::error::Result<Vec<_>>>()?;
        type Acc = BTreeMap<String, (i64, std::collections::BTreeSet<i64>)>;
        let (mut by_type, mut by_who): (Acc, Acc) = Default::default();
        let mut total = 0;
        for (ticket, stype, who, minutes) in rows {
            total += minutes;
            let stype = stype.unwrap_or_else(|| "Sin clasificar".into());
            let who = who.unwrap_or_else(|| "Sin asignar".into());
            for (map, key) in [(&mut by_type, stype), (&mut by_who, who)] {
                let e = map.entry(key).or_default();
                e.0 += minutes;
                e.1.insert(ticket);
            }
        }
        let list = |m: Acc| {
            let mut v: Vec<TimeSpent> = m
                .into_iter()
                .map(|(key, (minutes, cases))| TimeSpent {
                    key,
                    minutes,
                    cases: cases.len() as i64,
                })
                .collect();
            v.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.key.cmp(&b.key)));
            v
        };
        Ok((list(by_type), list(by_who), total))
    }

    fn maintenance_figures(
        &self,
        period: Period,
    ) -> Result<Option<crate::maintenance::Compliance>> {
        let year = period.to.year() as i64;
        let has_plan: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM maintenance_plans WHERE year = ?1",
            [year],
            |r| r.get(0),
        )?;
        if !has_plan {
            return Ok(None);
        }
        let c = self.maintenance_compliance(year, period.to)?;
        if c.programmed == 0 {
            return Ok(None);
        }
        Ok(Some(c))
    }

    fn decommissioned_in(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Decommissioned>> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT coalesce(a.tag_display, a.tag) AS tag, a.kind, c.number AS concept, c.approved_at FROM decommission_concepts c
                 JOIN assets a ON a.id = c.asset_id
                 WHERE c.status = 'approved' AND c.approved_at >= ?1 AND c.approved_at < ?2
                 ORDER BY c.approved_at, c.number",
            )?
            .query_map(params![to_db(start), to_db(end)], |r| {
                Ok((
                    r.get::<_, String>("tag")?,
                    r.get::<_, String>("kind")?,
                    r.get::<_, String>("concept")?,
                    r.get::<_, String>("approved_at")?,
                ))
            })?
            .collect::<crate::error::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(tag, kind, concept, at)| {
                Ok(Decommissioned {
                    tag,
                    kind,
                    concept,
                    date: to_local(from_db(&at)?).format("%Y-%m-%d").to_string(),
                })
            })
            .collect()
    }

    /// Services executed in the period: cases resolved in it, oldest first.
    pub fn activities(&self, period: Period) -> Result<Vec<Activity>> {
        let (start, end) = period.bounds();
        let rows = self
            .conn
            .prepare_cached(
                "SELECT number, resolved_at, coalesce(service_type, 'Sin tipo') AS service_type,
                        department, coalesce(assignee, '') AS assignee, description,
                        coalesce(solution, '') AS solution, coalesce(products, '') AS products
                 FROM tickets WHERE resolved_at >= ?1 AND resolved_at < ?2
                 ORDER BY resolved_at, id",
            )?
            .query_map(params![to_db(start), to_db(end)], |r| {
                Ok((
                    r.get::<_, String>("number")?,
                    r.get::<_, String>("resolved_at")?,
                    [
                        r.get::<_, String>("service_type")?,
                        r.get("department")?,
                        r.get("assignee")?,
                        r.get("description")?,
                        r.get("solution")?,
                        r.get("products")?,
                    ],
                ))
            })?
            .collect::<crate::error::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(number, at, [ty, dep, who, desc, sol, prod])| {
                Ok(Activity {
                    number,
                    resolved_on: to_local(from_db(&at)?).format("%Y-%m-%d").to_string(),
                    service_type: ty,
                    department: dep,
                    assignee: who,
                    description: desc,
                    solution: sol,
                    products: prod,
                })
            })
            .collect()
    }

    /// The whole report of `period`, with the stored analysis/actions if the report was saved.
    pub fn helpdesk_report(&self, period: Period, now: DateTime<Utc>) -> Result<HelpdeskReport> {
        let pauses = self.all_pauses()?;
        let current = self.indicators_with(period, &pauses, now)?;
        let previous = self.indicators_with(period.previous(), &pauses, now)?;
        let activities = self.activities(period)?;
        let mut by_type: BTreeMap<String, i64> = BTreeMap::new();
        for a in &activities {
            *by_type.entry(a.service_type.clone()).or_default() += 1;
        }
        let stored = self.stored_report(period)?;
        Ok(HelpdeskReport {
            current,
            previous,
            activities_by_type: counts(by_type),
            activities,
            analysis: stored
                .as_ref()
                .map(|s| s.analysis.clone())
                .unwrap_or_default(),
            actions: stored.map(|s| s.actions).unwrap_or_default(),
            generated_at: to_rfc3339_local(now),
        })
    }

    /// The saved report of exactly this period, if any.
    pub fn stored_report(&self, period: Period) -> Result<Option<StoredReport>> {
        let from = period.from.format("%Y-%m-%d").to_string();
        let to = period.to.format("%Y-%m-%d").to_string();
        let row = self
            .conn
            .query_row(
                "SELECT id FROM reports WHERE kind = 'helpdesk' AND period_from = ?1 AND period_to = ?2",
                params![from, to],
                |r| r.get::<_, i64>(0),
            )
            .optional()?;
        row.map(|id| self.report_by_id(id)).transpose()
    }

    fn report_by_id(&self, id: i64) -> Result<StoredReport> {
        let (from, to, analysis, actions, created, by, updated): (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        ) = self.conn.query_row(
            "SELECT period_from, period_to, analysis, actions, created_at, created_by, updated_at
             FROM reports WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get("period_from")?,
                    r.get("period_to")?,
                    r.get("analysis")?,
                    r.get("actions")?,
                    r.get("created_at")?,
                    r.get("created_by")?,
                    r.get("updated_at")?,
                ))
            },
        )?;
        Ok(StoredReport {
            id,
            from,
            to,
            analysis,
            actions,
            created_at: to_rfc3339_local(from_db(&created)?),
            created_by: by,
            updated_at: to_rfc3339_local(from_db(&updated)?),
        })
    }

    /// Saved reports, newest period first.
    pub fn list_reports(&self) -> Result<Vec<StoredReport>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM reports ORDER BY period_to DESC, period_from DESC, id DESC")?
            .query_map([], |r| r.get(0))?
            .collect::<crate::error::Result<_>>()?;
        ids.into_iter().map(|id| self.report_by_id(id)).collect()
    }

    /// Stores (or updates) the report of `period` with its analysis and improvement actions,
    /// and the indicator values as they are now. One transaction.
    pub fn save_report(
        &mut self,
        period: Period,
        analysis: &str,
        actions: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<StoredReport> {
        self.authorize(crate::people::Permission::Reports)?;
        let analysis = clean_multiline(analysis);
        let actions = clean_multiline(actions);
        let ind = serde_json::to_string(&self.indicators(period, now)?)?;
        let from = period.from.format("%Y-%m-%d").to_string();
        let to = period.to.format("%Y-%m-%d").to_string();
        let at = to_db(now);
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        tx.execute(
            "INSERT INTO reports(kind, period_from, period_to, analysis, actions, indicators,
                                 created_at, created_by, updated_at)
             VALUES ('helpdesk', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6)
             ON CONFLICT(kind, period_from, period_to) DO UPDATE SET
                analysis = excluded.analysis, actions = excluded.actions,
                indicators = excluded.indicators, updated_at = excluded.updated_at",
            params![from, to, analysis, actions, ind, at, clean(actor)],
        )?;
        tx.commit()?;
        self.stored_report(period)?
            .ok_or_else(|| CoreError::validation("informe", "no se pudo guardar"))
    }
}

/// Trims each line's end and the whole text; keeps line breaks.
fn clean_multiline(s: &str) -> String {
    s.replace("\r\n", "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// `12.345` → `12,3` (es-CO decimal comma), `None` → `—`.
pub fn fmt_num(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) => format!("{v:.decimals$}").replace('.', ","),
        None => "—".into(),
    }
}

/// A rate as `66,7 % (2 de 3)`.
pub fn fmt_rate(r: &Rate) -> String {
    match r.pct {
        Some(p) => format!("{} % ({} de {})", fmt_num(Some(p), 1), r.num, r.den),
        None => "— (sin casos)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_periods() {
        let p = Period::parse("2026-03-01", "2026-03-31").unwrap();
        assert_eq!(
            p.previous(),
            Period::parse("2026-02-01", "2026-02-28").unwrap()
        );
        let q = Period::parse("2026-04-01", "2026-06-30").unwrap();
        assert_eq!(
            q.previous(),
            Period::parse("2026-01-01", "2026-03-31").unwrap()
        );
        let y = Period::parse("2026-01-01", "2026-12-31").unwrap();
        assert_eq!(
            y.previous(),
            Period::parse("2025-01-01", "2025-12-31").unwrap()
        );
        let c = Period::parse("2026-03-10", "2026-03-19").unwrap();
        assert_eq!(
            c.previous(),
            Period::parse("2026-02-28", "2026-03-09").unwrap()
        );
        assert!(Period::parse("2026-03-10", "2026-03-01").is_err());
        assert!(Period::parse("2026-13-10", "2026-03-01").is_err());
    }

    #[test]
    fn medians() {
        let h = HoursStat::from_minutes(vec![60, 180, 120, 600]);
        assert_eq!(h.median_hours, Some(2.5));
        assert_eq!(h.mean_hours, Some(4.0));
        assert_eq!(HoursStat::from_minutes(vec![]).mean_hours, None);
        assert_eq!(fmt_rate(&Rate::new(2, 3)), "66,7 % (2 de 3)");
    }
}
