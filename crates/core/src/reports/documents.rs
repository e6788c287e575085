//! PDF and XLSX of the help-desk report (informe de mesa de ayuda): the header of a
//! quality-management document (entity, NIT, process, code, version, date), indicator tables
//! with the previous period, vector charts, the detail of services executed with products
//! delivered, analysis and improvement actions, signature blocks and the formulas annex.
//!
//! Settings keys: `report_code` (default `FO-TIC-07`), `report_version` (`01`),
//! `report_process` (`Gestión de TIC — Mesa de ayuda`), editable in Ajustes (`AppSettings`).
//! The entity's logo (`Store::entity_logo`, a PNG decoded by `pdf::decode_png`) is drawn at
//! the left of the header on every page when one is configured.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::clock::to_local;
use crate::error::Result;
use crate::management::indicators::ReportMark;
use crate::model::TicketQuery;
use crate::pdf::{
    Cell, Colour, Column, DocHeader, Orientation, PageSize, PdfBuilder, QualityBlock, Series,
};
use crate::reports::{
    fmt_num, fmt_rate, Count, HelpdeskReport, Indicators, Period, Rate, FORMULAS,
};
use crate::store::Store;
use mesa_docwriter::xlsx;

pub const DEFAULT_CODE: &str = "FO-TIC-07";
pub const DEFAULT_VERSION: &str = "01";
pub const DEFAULT_PROCESS: &str = "Gestión de TIC — Mesa de ayuda";
pub const TITLE: &str = "Informe de mesa de ayuda";

const CURRENT: Colour = Colour(0.20, 0.42, 0.71);
const PREVIOUS: Colour = Colour(0.70, 0.76, 0.85);
const SCORE: Colour = Colour(0.33, 0.62, 0.36);

/// Services listed one by one in the PDF by default; the summary per service type always
/// covers all of them and the XLSX «Casos» sheet has every case.
pub const DEFAULT_MAX_DETAIL_ROWS: usize = 500;

/// Options of the PDF: Letter (carta) and at most [`DEFAULT_MAX_DETAIL_ROWS`] services listed.
#[derive(Debug, Clone, Copy)]
pub struct ReportPdfOptions {
    pub size: PageSize,
    /// At most this many services in the detail table (all when `None`).
    pub max_detail_rows: Option<usize>,
}

impl Default for ReportPdfOptions {
    fn default() -> Self {
        ReportPdfOptions {
            size: PageSize::Letter,
            max_detail_rows: Some(DEFAULT_MAX_DETAIL_ROWS),
        }
    }
}

/// One line of the indicator table: label, current, previous, change, and the numeric values
/// (for the XLSX) with their kind.
struct Line {
    label: String,
    cur: Option<f64>,
    prev: Option<f64>,
    kind: LineKind,
    cur_text: String,
    prev_text: String,
    /// The computed indicator (management sheet) this line shows, for its target and light.
    metric: Option<&'static str>,
}

#[derive(Clone, Copy, PartialEq)]
enum LineKind {
    Count,
    Pct,
    Hours,
    Score,
}

fn count_line(label: &str, cur: i64, prev: i64) -> Line {
    Line {
        label: label.into(),
        cur: Some(cur as f64),
        prev: Some(prev as f64),
        kind: LineKind::Count,
        cur_text: cur.to_string(),
        prev_text: prev.to_string(),
        metric: None,
    }
}

fn rate_line(label: &str, cur: &Rate, prev: &Rate) -> Line {
    Line {
        label: label.into(),
        cur: cur.pct,
        prev: prev.pct,
        kind: LineKind::Pct,
        cur_text: fmt_rate(cur),
        prev_text: fmt_rate(prev),
        metric: None,
    }
}

fn hours_line(label: &str, cur: Option<f64>, prev: Option<f64>) -> Line {
    Line {
        label: label.into(),
        cur,
        prev,
        kind: LineKind::Hours,
        cur_text: fmt_num(cur, 1),
        prev_text: fmt_num(prev, 1),
        metric: None,
    }
}

impl Line {
    fn sheet(mut self, metric: &'static str) -> Line {
        self.metric = Some(metric);
        self
    }

    /// «≥ 90 % · Crítico» for a line whose indicator has a sheet, else empty.
    fn mark(&self, marks: &HashMap<String, ReportMark>) -> String {
        self.metric
            .and_then(|m| marks.get(m))
            .map(ReportMark::text)
            .unwrap_or_default()
    }

    fn change(&self) -> String {
        match (self.cur, self.prev) {
            (Some(c), Some(p)) => {
                let d = c - p;
                let sign = if d > 0.0 { "+" } else { "" };
                match self.kind {
                    LineKind::Count => format!("{sign}{}", d as i64),
                    LineKind::Pct => format!("{sign}{} pp", fmt_num(Some(d), 1)),
                    LineKind::Hours => format!("{sign}{} h", fmt_num(Some(d), 1)),
                    LineKind::Score => format!("{sign}{}", fmt_num(Some(d), 2)),
                }
            }
            _ => "—".into(),
        }
    }
}

fn lines(c: &Indicators, p: &Indicators) -> Vec<Line> {
    let mut v = vec![
        count_line("Casos recibidos", c.received, p.received),
        count_line("Casos solucionados", c.resolved, p.resolved),
        count_line("Casos cerrados", c.closed, p.closed),
        count_line(
            "   Cerrados verificados por el solicitante",
            c.closed_verified,
            p.closed_verified,
        ),
        count_line("   Cerrados automáticamente", c.closed_auto, p.closed_auto),
        count_line(
            "   Importados ya cerrados",
            c.closed_imported,
            p.closed_imported,
        ),
        rate_line("% de cierre automático", &c.auto_closed, &p.auto_closed).sheet("auto_closed"),
        count_line("Casos anulados", c.cancelled, p.cancelled),
        count_line("Casos abiertos al cierre del periodo", c.backlog, p.backlog).sheet("backlog"),
        rate_line(
            "% atendidos dentro del plazo de respuesta",
            &c.response_on_time,
            &p.response_on_time,
        )
        .sheet("response_on_time"),
        rate_line(
            "% solucionados dentro del plazo de solución",
            &c.resolution_on_time,
            &p.resolution_on_time,
        )
        .sheet("resolution_on_time"),
        hours_line(
            "Tiempo medio a la primera atención (horas hábiles)",
            c.first_response_time.mean_hours,
            p.first_response_time.mean_hours,
        ),
        hours_line(
            "Mediana del tiempo a la primera atención (horas hábiles)",
            c.first_response_time.median_hours,
            p.first_response_time.median_hours,
        ),
        hours_line(
            "Tiempo medio de solución (horas hábiles)",
            c.resolution_time.mean_hours,
            p.resolution_time.mean_hours,
        ),
        hours_line(
            "Mediana del tiempo de solución (horas hábiles)",
            c.resolution_time.median_hours,
            p.resolution_time.median_hours,
        ),
        rate_line("% escalados", &c.escalated, &p.escalated).sheet("escalated"),
        rate_line("% reabiertos", &c.reopened, &p.reopened).sheet("reopened"),
        rate_line(
            "Tasa de respuesta de la encuesta",
            &c.survey_response,
            &p.survey_response,
        )
        .sheet("survey_response"),
    ];
    // Maintenance compliance of the period (IND-05): a line of its own so its sheet's target
    // and light are printed like every other computed indicator's.
    let maintenance = |i: &Indicators| {
        i.maintenance
            .as_ref()
            .map(|m| Rate::new(m.executed, m.programmed))
            .unwrap_or_else(|| Rate::new(0, 0))
    };
    let mut m = rate_line(
        "Cumplimiento del mantenimiento preventivo",
        &maintenance(c),
        &maintenance(p),
    )
    .sheet("maintenance");
    for (rate, text) in [
        (maintenance(c), &mut m.cur_text),
        (maintenance(p), &mut m.prev_text),
    ] {
        if rate.den == 0 {
            *text = "— (sin mantenimientos programados)".into();
        }
    }
    v.push(m);
    v.push(Line {
        label: "Satisfacción general (1 a 5)".into(),
        cur: c.overall.mean,
        prev: p.overall.mean,
        kind: LineKind::Score,
        cur_text: fmt_num(c.overall.mean, 2),
        prev_text: fmt_num(p.overall.mean, 2),
        metric: Some("satisfaction"),
    });
    v
}

fn share(n: i64, total: i64) -> String {
    if total == 0 {
        "—".into()
    } else {
        format!("{} %", fmt_num(Some(n as f64 * 100.0 / total as f64), 1))
    }
}

/// Minutes as people say them: «45 min», «2 h», «3 h 20 min».
pub fn fmt_minutes(m: i64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn fmt_day(s: &str) -> String {
    crate::assets::documents::fmt_date(s)
}

/// The breakdowns of received cases: (title, counts).
fn breakdowns(c: &Indicators) -> [(&'static str, &Vec<Count>); 6] {
    [
        ("Tipo de servicio", &c.by_type),
        ("Dependencia", &c.by_department),
        ("Canal", &c.by_channel),
        ("Nivel de incidencia", &c.by_level),
        ("Técnico asignado", &c.by_assignee),
        ("Origen (interna / externa)", &c.by_origin),
    ]
}

impl Store {
    fn report_meta(&self, now: DateTime<Utc>) -> Result<(DocHeader, QualityBlock)> {
        self.quality_doc_meta(TITLE, "report_code", DEFAULT_CODE, now)
    }

    /// The header of a quality-management document titled `title` whose code is the setting
    /// `code_key` (else `code_default`); process, version, entity, NIT and logo as the report's.
    pub(crate) fn quality_doc_meta(
        &self,
        title: &str,
        code_key: &str,
        code_default: &str,
        now: DateTime<Utc>,
    ) -> Result<(DocHeader, QualityBlock)> {
        let entity = self
            .setting("entity_name")?
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "Entidad".into());
        let nit = self.setting("entity_nit")?.filter(|s| !s.trim().is_empty());
        let get = |k: &str, d: &str| -> Result<String> {
            Ok(self
                .setting(k)?
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| d.to_string()))
        };
        let q = QualityBlock {
            process: get("report_process", DEFAULT_PROCESS)?,
            code: get(code_key, code_default)?,
            version: get("report_version", DEFAULT_VERSION)?,
            date: to_local(now).format("%d/%m/%Y").to_string(),
        };
        Ok((
            DocHeader {
                entity,
                nit,
                title: title.into(),
                reference: None,
                logo_png: self.entity_logo()?,
            },
            q,
        ))
    }

    /// The report of `period` as PDF.
    pub fn helpdesk_report_pdf(
        &self,
        period: Period,
        opts: ReportPdfOptions,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let rep = self.helpdesk_report(period, now)?;
        self.report_pdf_of(&rep, opts, actor, now)
    }

    /// Renders an already computed report as PDF.
    pub fn report_pdf_of(
        &self,
        rep: &HelpdeskReport,
        opts: ReportPdfOptions,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let (header, quality) = self.report_meta(now)?;
        let c = &rep.current;
        let p = &rep.previous;
        let mut b = PdfBuilder::with_page(header, Orientation::Portrait, opts.size, Some(quality))?;
        b.set_footer_note(&format!(
            "Generado el {} — Mesa de Ayuda TI",
            to_local(now).format("%d/%m/%Y %H:%M")
        ));
        b.paragraph(
            &format!(
                "Periodo del informe: {} a {}",
                fmt_day(&c.from),
                fmt_day(&c.to)
            ),
            11.0,
            true,
        );
        b.paragraph(
            &format!(
                "Periodo anterior de comparación: {} a {}",
                fmt_day(&p.from),
                fmt_day(&p.to)
            ),
            9.0,
            false,
        );
        b.space(4.0);

        b.heading("1. Indicadores de la mesa de ayuda");
        let marks = self.indicator_marks(c)?;
        let rows: Vec<Vec<Cell>> = lines(c, p)
            .iter()
            .map(|l| {
                vec![
                    Cell::text(l.label.clone()),
                    Cell::text(l.cur_text.clone()),
                    Cell::text(l.prev_text.clone()),
                    Cell::text(l.change()),
                    Cell::text(l.mark(&marks)),
                ]
            })
            .collect();
        b.table(
            &[
                Column::new("Indicador", 4.0),
                Column::centered("Periodo", 1.9),
                Column::centered("Periodo anterior", 1.9),
                Column::centered("Variación", 1.3),
                Column::centered("Meta y semáforo", 2.8),
            ],
            &rows,
            8.5,
        );
        if c.response_waiting_late > 0 || c.resolution_waiting_late > 0 {
            b.paragraph(
                &format!(
                    "Incluye como fuera de plazo {} caso(s) sin primera atención y {} sin solución \
                     cuyo plazo venció dentro del periodo.",
                    c.response_waiting_late, c.resolution_waiting_late
                ),
                8.5,
                false,
            );
        }
        if c.date_only_excluded > 0 {
            b.paragraph(
                &format!(
                    "{} caso(s) importado(s) con solo la fecha de recepción no entran en los \
                     indicadores de tiempo (plazos, tiempos medios y medianas).",
                    c.date_only_excluded
                ),
                8.5,
                false,
            );
        }

        b.heading("2. Casos recibidos");
        for (title, counts) in breakdowns(c) {
            let rows: Vec<Vec<Cell>> = counts
                .iter()
                .map(|k| {
                    vec![
                        Cell::text(k.key.clone()),
                        Cell::text(k.count.to_string()),
                        Cell::text(share(k.count, c.received)),
                    ]
                })
                .collect();
            b.table(
                &[
                    Column::new(title, 6.0),
                    Column::centered("Casos", 1.5),
                    Column::centered("% del total", 1.5),
                ],
                &rows,
                8.5,
            );
        }
        let int_fmt = |v: f64| format!("{}", v as i64);
        for (title, counts) in [
            ("Casos recibidos por tipo de servicio", &c.by_type),
            ("Casos recibidos por dependencia", &c.by_department),
        ] {
            let cats: Vec<String> = counts.iter().map(|k| k.key.clone()).collect();
            let values = counts.iter().map(|k| k.count as f64).collect();
            b.bar_chart(
                title,
                &cats,
                &[Series {
                    name: "Casos".into(),
                    colour: CURRENT,
                    values,
                }],
                None,
                &int_fmt,
            );
        }

        b.heading("3. Cumplimiento de los acuerdos de servicio");
        let pct_fmt = |v: f64| format!("{} %", fmt_num(Some(v), 1));
        b.bar_chart(
            "Cumplimiento de plazos (%)",
            &[
                "Atendidos dentro del plazo de respuesta".to_string(),
                "Solucionados dentro del plazo de solución".to_string(),
            ],
            &[
                Series {
                    name: format!("Periodo {} a {}", fmt_day(&c.from), fmt_day(&c.to)),
                    colour: CURRENT,
                    values: vec![
                        c.response_on_time.pct.unwrap_or(0.0),
                        c.resolution_on_time.pct.unwrap_or(0.0),
                    ],
                },
                Series {
                    name: format!("Periodo anterior {} a {}", fmt_day(&p.from), fmt_day(&p.to)),
                    colour: PREVIOUS,
                    values: vec![
                        p.response_on_time.pct.unwrap_or(0.0),
                        p.resolution_on_time.pct.unwrap_or(0.0),
                    ],
                },
            ],
            Some(100.0),
            &pct_fmt,
        );

        b.paragraph("Tiempo invertido", 10.0, true);
        if c.time_total_minutes == 0 {
            b.paragraph(
                "No se registraron minutos en seguimientos ni al solucionar casos en el periodo.",
                9.0,
                false,
            );
        } else {
            b.paragraph(
                &format!(
                    "Total registrado en el periodo: {}.",
                    fmt_minutes(c.time_total_minutes)
                ),
                9.0,
                false,
            );
            for (title, list) in [
                ("Tipo de servicio", &c.time_by_type),
                ("Técnico", &c.time_by_technician),
            ] {
                let rows: Vec<Vec<Cell>> = list
                    .iter()
                    .map(|k| {
                        vec![
                            Cell::text(k.key.clone()),
                            Cell::text(fmt_minutes(k.minutes)),
                            Cell::text(k.cases.to_string()),
                            Cell::text(share(k.minutes, c.time_total_minutes)),
                        ]
                    })
                    .collect();
                b.table(
                    &[
                        Column::new(title, 5.0),
                        Column::centered("Tiempo invertido", 2.0),
                        Column::centered("Casos", 1.0),
                        Column::centered("% del total", 1.3),
                    ],
                    &rows,
                    8.5,
                );
            }
        }

        b.heading("4. Resultados de la encuesta de satisfacción");
        b.paragraph(
            &format!(
                "Encuestas respondidas: {} de {} casos solucionados en el periodo (tasa de respuesta {}).",
                c.survey_response.num,
                c.survey_response.den,
                fmt_rate(&c.survey_response)
            ),
            9.0,
            false,
        );
        let mut rows: Vec<Vec<Cell>> = vec![];
        for q in c.questions.iter().chain(std::iter::once(&c.overall)) {
            let mut r = vec![
                Cell::text(q.question.clone()),
                Cell::text(q.answers.to_string()),
                Cell::text(fmt_num(q.mean, 2)),
            ];
            r.extend(q.distribution.iter().map(|n| Cell::text(n.to_string())));
            rows.push(r);
        }
        if let Some(last) = rows.last_mut() {
            for cell in last.iter_mut() {
                cell.bold = true;
            }
        }
        b.table(
            &[
                Column::new("Pregunta", 5.0),
                Column::centered("Respuestas", 1.5),
                Column::centered("Media", 1.1),
                Column::centered("1", 0.7),
                Column::centered("2", 0.7),
                Column::centered("3", 0.7),
                Column::centered("4", 0.7),
                Column::centered("5", 0.7),
            ],
            &rows,
            8.5,
        );
        b.bar_chart(
            "Distribución de las calificaciones (todas las preguntas)",
            &[
                "1 — Muy insatisfecho".to_string(),
                "2 — Insatisfecho".to_string(),
                "3 — Aceptable".to_string(),
                "4 — Satisfecho".to_string(),
                "5 — Muy satisfecho".to_string(),
            ],
            &[Series {
                name: "Calificaciones".into(),
                colour: SCORE,
                values: c.overall.distribution.iter().map(|n| *n as f64).collect(),
            }],
            None,
            &int_fmt,
        );

        b.heading("5. Mantenimiento preventivo y equipos dados de baja");
        match &c.maintenance {
            Some(m) => {
                b.table(
                    &[
                        Column::new("Indicador", 5.0),
                        Column::centered("Valor", 3.0),
                    ],
                    &[
                        vec![
                            Cell::text(format!(
                                "Actividades programadas en la vigencia {} hasta el {}",
                                m.year,
                                fmt_day(&m.upto)
                            )),
                            Cell::text(m.programmed.to_string()),
                        ],
                        vec![
                            Cell::text("Cumplimiento (ejecutadas ÷ programadas)"),
                            Cell::text(format!(
                                "{} % ({} de {})",
                                fmt_num(Some(m.pct_executed), 1),
                                m.executed,
                                m.programmed
                            )),
                        ],
                        vec![
                            Cell::text("Ejecutadas en el mes programado"),
                            Cell::text(format!(
                                "{} % ({} de {})",
                                fmt_num(Some(m.pct_on_time), 1),
                                m.on_time,
                                m.programmed
                            )),
                        ],
                    ],
                    8.5,
                );
            }
            None => b.paragraph(
                "No hay actividades de mantenimiento preventivo programadas en la vigencia del periodo.",
                9.0,
                false,
            ),
        }
        if c.decommissioned.is_empty() {
            b.paragraph(
                "No se aprobaron conceptos de baja de equipos en el periodo.",
                9.0,
                false,
            );
        } else {
            let rows: Vec<Vec<Cell>> = c
                .decommissioned
                .iter()
                .map(|d| {
                    vec![
                        Cell::text(d.tag.clone()),
                        Cell::text(d.kind.clone()),
                        Cell::text(d.concept.clone()),
                        Cell::text(fmt_day(&d.date)),
                    ]
                })
                .collect();
            b.table(
                &[
                    Column::new("Placa", 1.5),
                    Column::new("Tipo de equipo", 3.0),
                    Column::new("Concepto de baja", 2.0),
                    Column::centered("Aprobado", 1.5),
                ],
                &rows,
                8.5,
            );
        }

        b.heading("6. Detalle de actividades y servicios ejecutados");
        let rows: Vec<Vec<Cell>> = rep
            .activities_by_type
            .iter()
            .map(|k| vec![Cell::text(k.key.clone()), Cell::text(k.count.to_string())])
            .collect();
        b.table(
            &[
                Column::new("Servicio ejecutado (tipo)", 6.0),
                Column::centered("Casos solucionados", 2.0),
            ],
            &rows,
            8.5,
        );
        let shown = opts
            .max_detail_rows
            .unwrap_or(usize::MAX)
            .min(rep.activities.len());
        if shown < rep.activities.len() {
            b.paragraph(
                &format!(
                    "Se muestran los primeros {} de {} servicios; el detalle completo está en la hoja «Casos» del libro XLSX del informe.",
                    shown,
                    rep.activities.len()
                ),
                8.5,
                false,
            );
        }
        let rows: Vec<Vec<Cell>> = rep.activities[..shown]
            .iter()
            .map(|a| {
                vec![
                    Cell::text(a.number.clone()),
                    Cell::text(fmt_day(&a.resolved_on)),
                    Cell::text(a.service_type.clone()),
                    Cell::text(a.department.clone()),
                    Cell::text(a.solution.clone()),
                    Cell::text(a.products.clone()),
                ]
            })
            .collect();
        if rows.is_empty() {
            b.paragraph("No se solucionaron casos en el periodo.", 9.0, false);
        } else {
            b.table(
                &[
                    Column::new("Caso", 1.6),
                    Column::centered("Solucionado", 1.3),
                    Column::new("Servicio", 2.2),
                    Column::new("Dependencia", 2.0),
                    Column::new("Actividad realizada", 3.6),
                    Column::new("Productos entregados", 2.4),
                ],
                &rows,
                7.5,
            );
        }

        b.heading("7. Análisis y observaciones");
        b.paragraph(
            if rep.analysis.trim().is_empty() {
                "Sin análisis registrado."
            } else {
                &rep.analysis
            },
            9.5,
            false,
        );
        b.heading("8. Acciones de mejora");
        b.paragraph(
            if rep.actions.trim().is_empty() {
                "Sin acciones de mejora registradas."
            } else {
                &rep.actions
            },
            9.5,
            false,
        );
        b.signatures(&self.signature_blocks(actor, None, None)?);

        b.heading("Anexo. Fórmulas de los indicadores");
        let rows: Vec<Vec<Cell>> = FORMULAS
            .iter()
            .map(|(k, v)| vec![Cell::text(*k), Cell::text(*v)])
            .collect();
        b.table(
            &[Column::new("Indicador", 2.2), Column::new("Fórmula", 6.0)],
            &rows,
            8.0,
        );
        Ok(b.finish()?)
    }

    /// The report of `period` as an XLSX file at `path`: sheets Indicadores (with native
    /// charts), Casos (every case received in the period, constant memory), Encuestas and
    /// Mantenimiento.
    pub fn helpdesk_report_xlsx(
        &self,
        period: Period,
        path: &Path,
        now: DateTime<Utc>,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<()> {
        let rep = self.helpdesk_report(period, now)?;
        let (header, quality) = self.report_meta(now)?;
        let err = xlsx::err("informe de mesa de ayuda XLSX");
        let mut wb = Workbook::new();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = wb.set_tempdir(dir);
        }
        {
            let ws = wb.add_worksheet();
            ws.set_name("Indicadores").map_err(&err)?;
            let marks = self.indicator_marks(&rep.current)?;
            write_indicators_sheet(ws, &rep, &marks, &header, &quality).map_err(&err)?;
        }
        {
            let q = TicketQuery {
                from: Some(rep.current.from.clone()),
                to: Some(rep.current.to.clone()),
                ..Default::default()
            };
            let total = self.count_cases(&q, now)?;
            let ws = wb.add_worksheet_with_constant_memory().map_err(&err)?;
            ws.set_name("Casos").map_err(&err)?;
            self.write_cases_sheet(ws, &q, now, 0, total, &mut progress)?;
        }
        {
            let ws = wb.add_worksheet();
            ws.set_name("Encuestas").map_err(&err)?;
            self.write_surveys_sheet(ws, &rep, period)?;
        }
        {
            let ws = wb.add_worksheet();
            ws.set_name("Mantenimiento").map_err(&err)?;
            write_maintenance_sheet(ws, &rep).map_err(&err)?;
        }
        crate::files::save_workbook(&mut wb, path, "informe de mesa de ayuda XLSX")?;
        Ok(())
    }

    fn write_surveys_sheet(
        &self,
        ws: &mut Worksheet,
        rep: &HelpdeskReport,
        period: Period,
    ) -> Result<()> {
        let err = xlsx::err("hoja Encuestas");
        let c = &rep.current;
        let bold = xlsx::bold();
        let head = head_format();
        let mean = xlsx::number(2);
        ws.write_string_with_format(0, 0, "Resultados de la encuesta de satisfacción", &bold)
            .map_err(&err)?;
        ws.write_string(
            1,
            0,
            format!(
                "Periodo {} a {} — encuestas de los casos solucionados en el periodo",
                fmt_day(&c.from),
                fmt_day(&c.to)
            ),
        )
        .map_err(&err)?;
        ws.write_string(2, 0, "Tasa de respuesta (%)")
            .map_err(&err)?;
        if let Some(p) = c.survey_response.pct {
            ws.write_number_with_format(2, 1, p, &pct_format())
                .map_err(&err)?;
        }
        ws.write_string(
            2,
            2,
            format!("{} de {}", c.survey_response.num, c.survey_response.den),
        )
        .map_err(&err)?;
        let titles = ["Pregunta", "Respuestas", "Media", "1", "2", "3", "4", "5"];
        for (i, t) in titles.iter().enumerate() {
            ws.write_string_with_format(4, i as u16, *t, &head)
                .map_err(&err)?;
        }
        let mut row = 5u32;
        for q in c.questions.iter().chain(std::iter::once(&c.overall)) {
            ws.write_string(row, 0, &q.question).map_err(&err)?;
            ws.write_number(row, 1, q.answers as f64).map_err(&err)?;
            if let Some(m) = q.mean {
                ws.write_number_with_format(row, 2, m, &mean)
                    .map_err(&err)?;
            }
            for (k, n) in q.distribution.iter().enumerate() {
                ws.write_number(row, 3 + k as u16, *n as f64)
                    .map_err(&err)?;
            }
            row += 1;
        }
        ws.set_column_width(0, 44).map_err(&err)?;
        ws.set_column_width(1, 12).map_err(&err)?;
        // Each answered survey.
        row += 2;
        let qn = c.questions.len();
        let mut titles: Vec<String> = vec!["Caso".into(), "Respondida".into()];
        titles.extend(c.questions.iter().map(|q| q.question.clone()));
        titles.push("Comentario".into());
        let first = row;
        for (i, t) in titles.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, t, &head)
                .map_err(&err)?;
        }
        let (start, end) = period.bounds();
        let mut stmt = self.conn.prepare(
            "SELECT t.number, s.answered_at, s.scores, s.comment
             FROM surveys s JOIN tickets t ON t.id = s.ticket_id
             WHERE t.resolved_at >= ?1 AND t.resolved_at < ?2 ORDER BY t.year, t.seq",
        )?;
        let rows = stmt
            .query_map(
                crate::params![crate::clock::to_db(start), crate::clock::to_db(end)],
                |r| {
                    Ok((
                        r.get::<_, String>("number")?,
                        r.get::<_, String>("answered_at")?,
                        r.get::<_, String>("scores")?,
                        r.get::<_, Option<String>>("comment")?,
                    ))
                },
            )?
            .collect::<crate::error::Result<Vec<_>>>()?;
        let dt = xlsx::date_time();
        for (number, at, scores, comment) in rows {
            row += 1;
            ws.write_string(row, 0, &number).map_err(&err)?;
            let local = to_local(crate::clock::from_db(&at)?);
            ws.write_number_with_format(row, 1, crate::tickets::export::excel_serial(local), &dt)
                .map_err(&err)?;
            let scores: Vec<i64> = serde_json::from_str(&scores)?;
            for (k, s) in scores.iter().enumerate().take(qn) {
                ws.write_number(row, 2 + k as u16, *s as f64)
                    .map_err(&err)?;
            }
            if let Some(cm) = comment {
                ws.write_string(row, 2 + qn as u16, cm).map_err(&err)?;
            }
        }
        ws.autofilter(first, 0, row.max(first + 1), (titles.len() - 1) as u16)
            .map_err(&err)?;
        ws.set_column_width(2 + qn as u16, 50).map_err(&err)?;
        Ok(())
    }
}

fn head_format() -> Format {
    xlsx::header()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
}

fn pct_format() -> Format {
    xlsx::number(1)
}

fn write_indicators_sheet(
    ws: &mut Worksheet,
    rep: &HelpdeskReport,
    marks: &HashMap<String, ReportMark>,
    header: &DocHeader,
    q: &QualityBlock,
) -> std::result::Result<(), XlsxError> {
    let c = &rep.current;
    let p = &rep.previous;
    let title = xlsx::title();
    let bold = xlsx::bold();
    let head = head_format();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.write_string_with_format(0, 0, &header.entity, &title)?;
    ws.write_string(
        1,
        0,
        header
            .nit
            .as_ref()
            .map(|n| format!("NIT {n}"))
            .unwrap_or_default(),
    )?;
    ws.write_string_with_format(2, 0, TITLE, &bold)?;
    ws.write_string(
        3,
        0,
        format!(
            "Proceso: {} — Código: {} — Versión: {} — Fecha: {}",
            q.process, q.code, q.version, q.date
        ),
    )?;
    ws.write_string(
        4,
        0,
        format!(
            "Periodo: {} a {} — periodo anterior: {} a {}",
            fmt_day(&c.from),
            fmt_day(&c.to),
            fmt_day(&p.from),
            fmt_day(&p.to)
        ),
    )?;
    let hr = 6u32;
    for (i, t) in [
        "Indicador",
        "Periodo",
        "Periodo anterior",
        "Variación",
        "Meta y semáforo",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(hr, i as u16, *t, &head)?;
    }
    let count = xlsx::number(0);
    let pct = xlsx::number(1);
    let hours = xlsx::number(1);
    let score = xlsx::number(2);
    let mut row = hr + 1;
    for l in lines(c, p) {
        let (label, f) = match l.kind {
            LineKind::Count => (l.label.clone(), &count),
            LineKind::Pct => (l.label.clone(), &pct),
            LineKind::Hours => (l.label.clone(), &hours),
            LineKind::Score => (l.label.clone(), &score),
        };
        ws.write_string(row, 0, label.trim())?;
        if let Some(v) = l.cur {
            ws.write_number_with_format(row, 1, v, f)?;
        }
        if let Some(v) = l.prev {
            ws.write_number_with_format(row, 2, v, f)?;
        }
        if let (Some(a), Some(b)) = (l.cur, l.prev) {
            ws.write_number_with_format(row, 3, a - b, f)?;
        }
        let mark = l.mark(marks);
        if !mark.is_empty() {
            ws.write_string(row, 4, mark)?;
        }
        row += 1;
    }
    ws.set_column_width(0, 58)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 16)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(4, 26)?;
    if c.date_only_excluded > 0 {
        row += 1;
        ws.write_string(
            row,
            0,
            format!(
                "{} caso(s) importado(s) con solo la fecha de recepción no entran en los indicadores de tiempo.",
                c.date_only_excluded
            ),
        )?;
    }
    // Breakdowns, each with a native bar chart for type and dependencia.
    row += 2;
    let mut chart_row = hr;
    for (i, (t, counts)) in breakdowns(c).into_iter().enumerate() {
        ws.write_string_with_format(row, 0, t, &head)?;
        ws.write_string_with_format(row, 1, "Casos", &head)?;
        let first = row + 1;
        for k in counts {
            row += 1;
            ws.write_string(row, 0, &k.key)?;
            ws.write_number(row, 1, k.count as f64)?;
        }
        if i < 2 && !counts.is_empty() {
            let mut chart = Chart::new(ChartType::Bar);
            chart
                .add_series()
                .set_categories(("Indicadores", first, 0, row, 0))
                .set_values(("Indicadores", first, 1, row, 1))
                .set_name(&format!("Casos por {}", t.to_lowercase()));
            chart
                .title()
                .set_name(&format!("Casos recibidos por {}", t.to_lowercase()));
            chart.legend().set_hidden();
            ws.insert_chart(chart_row, 5, &chart)?;
            chart_row += 16;
        }
        row += 2;
    }
    // «Tiempo invertido» per service type and per technician.
    for (t, list) in [
        ("Tiempo invertido por tipo de servicio", &c.time_by_type),
        ("Tiempo invertido por técnico", &c.time_by_technician),
    ] {
        ws.write_string_with_format(row, 0, t, &head)?;
        ws.write_string_with_format(row, 1, "Minutos", &head)?;
        ws.write_string_with_format(row, 2, "Horas", &head)?;
        ws.write_string_with_format(row, 3, "Casos", &head)?;
        for k in list {
            row += 1;
            ws.write_string(row, 0, &k.key)?;
            ws.write_number(row, 1, k.minutes as f64)?;
            ws.write_number(row, 2, (k.minutes as f64 / 60.0 * 10.0).round() / 10.0)?;
            ws.write_number(row, 3, k.cases as f64)?;
        }
        row += 1;
        ws.write_string_with_format(row, 0, "Total", &head)?;
        ws.write_number(row, 1, c.time_total_minutes as f64)?;
        ws.write_number(
            row,
            2,
            (c.time_total_minutes as f64 / 60.0 * 10.0).round() / 10.0,
        )?;
        row += 2;
    }
    // SLA compliance with the previous period (native chart).
    ws.write_string_with_format(row, 0, "Cumplimiento de plazos (%)", &head)?;
    ws.write_string_with_format(row, 1, "Periodo", &head)?;
    ws.write_string_with_format(row, 2, "Periodo anterior", &head)?;
    let first = row + 1;
    for (label, a, b) in [
        (
            "Atendidos dentro del plazo de respuesta",
            c.response_on_time.pct,
            p.response_on_time.pct,
        ),
        (
            "Solucionados dentro del plazo de solución",
            c.resolution_on_time.pct,
            p.resolution_on_time.pct,
        ),
    ] {
        row += 1;
        ws.write_string(row, 0, label)?;
        ws.write_number_with_format(row, 1, a.unwrap_or(0.0), &pct)?;
        ws.write_number_with_format(row, 2, b.unwrap_or(0.0), &pct)?;
    }
    let mut chart = Chart::new(ChartType::Column);
    for (col, name) in [(1u16, "Periodo"), (2u16, "Periodo anterior")] {
        chart
            .add_series()
            .set_categories(("Indicadores", first, 0, row, 0))
            .set_values(("Indicadores", first, col, row, col))
            .set_name(name);
    }
    chart.title().set_name("Cumplimiento de plazos (%)");
    chart.y_axis().set_max(100);
    ws.insert_chart(chart_row, 5, &chart)?;
    chart_row += 16;
    // Satisfaction distribution (native chart).
    row += 2;
    ws.write_string_with_format(row, 0, "Calificación (todas las preguntas)", &head)?;
    ws.write_string_with_format(row, 1, "Respuestas", &head)?;
    let first = row + 1;
    for (k, n) in c.overall.distribution.iter().enumerate() {
        row += 1;
        ws.write_string(row, 0, (k + 1).to_string())?;
        ws.write_number(row, 1, *n as f64)?;
    }
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_categories(("Indicadores", first, 0, row, 0))
        .set_values(("Indicadores", first, 1, row, 1))
        .set_name("Respuestas");
    chart.title().set_name("Distribución de las calificaciones");
    chart.legend().set_hidden();
    ws.insert_chart(chart_row, 5, &chart)?;
    // Analysis, actions and the formulas annex.
    row += 2;
    for (t, text) in [
        ("Análisis y observaciones", &rep.analysis),
        ("Acciones de mejora", &rep.actions),
    ] {
        ws.write_string_with_format(row, 0, t, &bold)?;
        row += 1;
        ws.write_string_with_format(row, 0, text, &wrap)?;
        row += 2;
    }
    ws.write_string_with_format(row, 0, "Anexo. Fórmulas de los indicadores", &bold)?;
    for (k, v) in FORMULAS {
        row += 1;
        ws.write_string_with_format(row, 0, *k, &wrap)?;
        ws.write_string_with_format(row, 1, *v, &wrap)?;
    }
    ws.set_paper_size(1);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn write_maintenance_sheet(
    ws: &mut Worksheet,
    rep: &HelpdeskReport,
) -> std::result::Result<(), XlsxError> {
    let c = &rep.current;
    let bold = xlsx::bold();
    let head = head_format();
    let pct = pct_format();
    ws.write_string_with_format(0, 0, "Mantenimiento preventivo", &bold)?;
    let mut row = 2u32;
    match &c.maintenance {
        Some(m) => {
            ws.write_string(
                row,
                0,
                format!("Vigencia {} hasta el {}", m.year, fmt_day(&m.upto)),
            )?;
            row += 1;
            for (label, n, p) in [
                ("Actividades programadas", m.programmed, None),
                ("Ejecutadas", m.executed, Some(m.pct_executed)),
                (
                    "Ejecutadas en el mes programado",
                    m.on_time,
                    Some(m.pct_on_time),
                ),
            ] {
                ws.write_string(row, 0, label)?;
                ws.write_number(row, 1, n as f64)?;
                if let Some(p) = p {
                    ws.write_number_with_format(row, 2, p, &pct)?;
                    ws.write_string(row, 3, "%")?;
                }
                row += 1;
            }
        }
        None => {
            ws.write_string(
                row,
                0,
                "No hay actividades de mantenimiento preventivo programadas en la vigencia del periodo.",
            )?;
            row += 1;
        }
    }
    row += 1;
    ws.write_string_with_format(row, 0, "Equipos dados de baja en el periodo", &bold)?;
    row += 1;
    for (i, t) in ["Placa", "Tipo de equipo", "Concepto de baja", "Aprobado"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, i as u16, *t, &head)?;
    }
    let d = xlsx::date();
    for x in &c.decommissioned {
        row += 1;
        ws.write_string(row, 0, &x.tag)?;
        ws.write_string(row, 1, &x.kind)?;
        ws.write_string(row, 2, &x.concept)?;
        if let Ok(day) = chrono::NaiveDate::parse_from_str(&x.date, "%Y-%m-%d") {
            let t = day.and_hms_opt(0, 0, 0).expect("midnight");
            ws.write_number_with_format(row, 3, crate::tickets::export::excel_serial(t), &d)?;
        }
    }
    ws.set_column_width(0, 40)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 18)?;
    ws.set_column_width(3, 12)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every computed indicator (management sheet) has a line in the report's indicator table,
    /// so its target and light are printed (IND-05 was left without one).
    #[test]
    fn every_computed_indicator_has_a_line_with_its_mark() {
        let s = Store::open_in_memory().unwrap();
        let now = crate::clock::parse_time_input("t", "2026-03-15T09:00").unwrap();
        let period = Period::parse("2026-01-01", "2026-01-31").unwrap();
        let ind = s.indicators(period, now).unwrap();
        let shown: Vec<&str> = lines(&ind, &ind).iter().filter_map(|l| l.metric).collect();
        for (metric, _) in crate::management::indicators::METRICS {
            assert!(
                shown.contains(metric),
                "el indicador «{metric}» no tiene línea en el informe"
            );
        }
        let mut marks = HashMap::new();
        marks.insert(
            "maintenance".to_string(),
            ReportMark {
                target: "≥ 90 %".into(),
                light: None,
            },
        );
        let line = lines(&ind, &ind)
            .into_iter()
            .find(|l| l.metric == Some("maintenance"))
            .unwrap();
        assert_eq!(line.label, "Cumplimiento del mantenimiento preventivo");
        assert_eq!(line.cur_text, "— (sin mantenimientos programados)");
        assert!(
            line.mark(&marks).starts_with("≥ 90 %"),
            "{}",
            line.mark(&marks)
        );
    }
}
