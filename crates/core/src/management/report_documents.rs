//! The management report (informe de gestión) as documents: PDF (quality-document header,
//! summary, every indicator with target, light, trend chart and analysis, maintenance
//! compliance, the risk map's heat maps and residual state, the improvement plan's progress,
//! conclusions, signature blocks) and XLSX (Resumen, Indicadores, Tendencia, Riesgos, Plan de
//! mejoramiento).
//!
//! Setting `management_report_code` (default `FO-TIC-11`) is the document's code in the header.

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::indicators::{fmt_value, Light};
use super::report::ManagementReport;
use crate::clock::to_local;
use crate::error::Result;
use crate::pdf::{Cell, Colour, Column, Orientation, PageSize, PdfBuilder, Series};
use crate::plans::fmt_day;
use crate::reports::Period;
use crate::risks::documents::{draw_heat_maps, zone_colour};
use crate::store::Store;
use mesa_docwriter::xlsx;

pub const TITLE: &str = "Informe de gestión";
pub const DEFAULT_CODE: &str = "FO-TIC-11";
const CODE_SETTING: &str = "management_report_code";
const BAR: Colour = Colour(0.20, 0.42, 0.71);

/// The light's colour: green, yellow, red (as on Inicio).
pub fn light_colour(l: Light) -> Colour {
    match l {
        Light::Satisfactory => Colour::hex("#4CAF50"),
        Light::Acceptable => Colour::hex("#FFEB3B"),
        Light::Critical => Colour::hex("#E53935"),
    }
}

fn light_text(l: Option<Light>) -> String {
    l.map(|l| l.label().to_string())
        .unwrap_or_else(|| "Sin dato".into())
}

fn pct(v: f64) -> String {
    format!("{} %", fmt_value(v))
}

/// The summary lines shared by the PDF and the XLSX.
fn summary(r: &ManagementReport) -> Vec<(&'static str, String)> {
    let with_value = r.indicators.iter().filter(|i| i.value.is_some()).count();
    let high = r
        .risks
        .zones
        .iter()
        .filter(|z| {
            matches!(
                z.zone,
                crate::risks::Zone::High | crate::risks::Zone::Extreme
            )
        })
        .map(|z| z.residual)
        .sum::<i64>();
    vec![
        (
            "Periodo",
            format!("{} ({} a {})", r.label, fmt_day(&r.from), fmt_day(&r.to)),
        ),
        (
            "Indicadores con dato",
            format!("{with_value} de {}", r.indicators.len()),
        ),
        ("Satisfactorios", r.lights[0].to_string()),
        ("Aceptables", r.lights[1].to_string()),
        ("Críticos", r.lights[2].to_string()),
        (
            "Mantenimiento preventivo ejecutado",
            match &r.maintenance {
                Some(c) if c.programmed > 0 => format!(
                    "{} ({} de {} programados)",
                    pct(c.pct_executed),
                    c.executed,
                    c.programmed
                ),
                _ => "Sin plan o sin mantenimientos programados".into(),
            },
        ),
        (
            "Riesgos en zona alta o extrema (residual)",
            format!("{high} de {}", r.risks.risks.len()),
        ),
        (
            "Acciones de mejora",
            format!(
                "{} (avance promedio {}; {} verificadas en el periodo)",
                r.plan.actions,
                pct(r.plan.average_progress),
                r.plan.verified_in_period
            ),
        ),
    ]
}

impl Store {
    /// The management report of `period` as PDF (portrait Letter).
    pub fn management_report_pdf(
        &self,
        period: Period,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let r = self.management_report(period, now)?;
        let (header, quality) = self.quality_doc_meta(TITLE, CODE_SETTING, DEFAULT_CODE, now)?;
        let mut b = PdfBuilder::with_page(
            header,
            Orientation::Portrait,
            PageSize::Letter,
            Some(quality),
        )?;
        b.set_footer_note(&format!(
            "Generado el {} — Mesa de Ayuda TI",
            to_local(now).format("%d/%m/%Y %H:%M")
        ));

        b.heading("1. Resumen");
        let pairs = summary(&r);
        let pairs_ref: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (*k, v.clone())).collect();
        b.key_values(&pairs_ref, 1);

        b.heading("2. Indicadores");
        let columns = [
            Column::new("Código", 0.9),
            Column::new("Indicador", 3.4),
            Column::centered("Meta", 1.2),
            Column::centered("Resultado", 1.5),
            Column::centered("Semáforo", 1.3),
        ];
        let rows: Vec<Vec<Cell>> = r
            .indicators
            .iter()
            .map(|i| {
                let result = match &i.detail {
                    Some(d) => format!("{} ({d})", i.value_text),
                    None => i.value_text.clone(),
                };
                vec![
                    Cell::text(i.sheet.code.clone()),
                    Cell::text(i.sheet.name.clone()),
                    Cell::text(i.target_text.clone()),
                    Cell::text(result),
                    Cell::filled(light_text(i.light), i.light.map(light_colour)),
                ]
            })
            .collect();
        b.table(&columns, &rows, 8.0);
        for i in &r.indicators {
            b.ensure_space(120.0);
            b.paragraph(&format!("{} — {}", i.sheet.code, i.sheet.name), 10.0, true);
            b.paragraph(
                &format!(
                    "Meta {}. Resultado del periodo: {} ({}). Fórmula: {}",
                    i.target_text,
                    i.value_text,
                    light_text(i.light).to_lowercase(),
                    i.sheet.formula
                ),
                8.5,
                false,
            );
            let with_values: Vec<_> = i.trend.iter().filter(|v| v.value.is_some()).collect();
            if with_values.len() > 1 {
                let unit = i.sheet.unit.clone();
                let fmt = move |v: f64| super::indicators::fmt_with_unit(v, &unit);
                b.bar_chart(
                    &format!("Tendencia ({})", i.sheet.frequency_label.to_lowercase()),
                    &with_values
                        .iter()
                        .map(|v| v.label.clone())
                        .collect::<Vec<_>>(),
                    &[Series {
                        name: i.sheet.name.clone(),
                        colour: BAR,
                        values: with_values.iter().filter_map(|v| v.value).collect(),
                    }],
                    (i.sheet.unit.trim() == "%").then_some(100.0),
                    &fmt,
                );
            } else if let [only] = i.trend.as_slice() {
                b.paragraph(
                    &format!(
                        "Periodo del indicador: {} — {}",
                        only.label,
                        only.value
                            .map(|v| super::indicators::fmt_with_unit(v, &i.sheet.unit))
                            .unwrap_or_else(|| "sin datos".into())
                    ),
                    8.5,
                    false,
                );
            }
            let analysis = if i.analysis.trim().is_empty() {
                "Análisis: (sin análisis registrado)".to_string()
            } else {
                format!("Análisis: {}", i.analysis.trim())
            };
            b.paragraph(&analysis, 9.0, false);
            b.space(4.0);
        }

        b.heading("3. Mantenimiento preventivo");
        match &r.maintenance {
            Some(c) if c.programmed > 0 => b.key_values(
                &[
                    ("Plan", c.year.to_string()),
                    ("Calculado hasta", fmt_day(&c.upto)),
                    ("Programados", c.programmed.to_string()),
                    (
                        "Ejecutados",
                        format!("{} ({})", c.executed, pct(c.pct_executed)),
                    ),
                    (
                        "Ejecutados en su mes",
                        format!("{} ({})", c.on_time, pct(c.pct_on_time)),
                    ),
                ],
                1,
            ),
            _ => b.paragraph(
                "No hay plan de mantenimiento con actividades programadas para el periodo.",
                9.0,
                false,
            ),
        }

        b.heading("4. Mapa de riesgos: estado residual");
        b.paragraph(
            "Estado del mapa de riesgos al generar el informe (los riesgos no guardan \
             historia): posición inherente y residual de cada riesgo.",
            8.5,
            false,
        );
        let map = self.risk_map(now)?;
        draw_heat_maps(&mut b, &map);
        let columns = [
            Column::new("Código", 0.8),
            Column::new("Riesgo", 4.0),
            Column::centered("Inherente", 1.3),
            Column::centered("Residual", 1.3),
            Column::new("Tratamiento", 1.3),
            Column::centered("Controles", 1.0),
        ];
        let rows: Vec<Vec<Cell>> = r
            .risks
            .risks
            .iter()
            .map(|k| {
                vec![
                    Cell::text(k.code.clone()),
                    Cell::text(if k.review_overdue {
                        format!("{} (revisión vencida)", k.description)
                    } else {
                        k.description.clone()
                    }),
                    Cell::filled(k.inherent_zone.label(), Some(zone_colour(k.inherent_zone))),
                    Cell::filled(k.residual_zone.label(), Some(zone_colour(k.residual_zone))),
                    Cell::text(k.treatment.clone()),
                    Cell::text(k.controls.to_string()),
                ]
            })
            .collect();
        if rows.is_empty() {
            b.paragraph("Sin riesgos registrados.", 9.0, false);
        } else {
            b.table(&columns, &rows, 8.0);
            b.paragraph(
                &format!(
                    "{} de {} riesgos bajan de zona con sus controles.",
                    r.risks.reduced,
                    r.risks.risks.len()
                ),
                8.5,
                false,
            );
        }

        b.heading("5. Plan de mejoramiento");
        let mut pairs = vec![
            ("Hallazgos", r.plan.findings.to_string()),
            (
                "Hallazgos del periodo",
                r.plan.findings_in_period.to_string(),
            ),
            ("Acciones", r.plan.actions.to_string()),
            ("Avance promedio", pct(r.plan.average_progress)),
            (
                "Acciones verificadas en el periodo",
                r.plan.verified_in_period.to_string(),
            ),
        ];
        for s in &r.plan.by_state {
            pairs.push(("Acciones", format!("{}: {}", s.label, s.count)));
        }
        b.key_values(&pairs, 2);
        if !r.plan.open_actions.is_empty() {
            let columns = [
                Column::new("Hallazgo", 1.1),
                Column::new("Acción", 3.6),
                Column::new("Responsable", 1.6),
                Column::centered("Fecha fin", 1.1),
                Column::centered("Avance", 0.9),
                Column::centered("Estado", 1.1),
            ];
            let rows: Vec<Vec<Cell>> = r
                .plan
                .open_actions
                .iter()
                .map(|a| {
                    vec![
                        Cell::text(a.finding.clone()),
                        Cell::text(a.description.clone()),
                        Cell::text(a.owner.clone()),
                        Cell::text(fmt_day(&a.ends_on)),
                        Cell::text(format!("{} %", a.progress)),
                        Cell::text(a.state_label.clone()),
                    ]
                })
                .collect();
            b.table(&columns, &rows, 8.0);
        }

        b.heading("6. Conclusiones");
        b.paragraph(
            if r.conclusions.trim().is_empty() {
                "(sin conclusiones registradas)"
            } else {
                r.conclusions.trim()
            },
            9.5,
            false,
        );
        b.signatures(&self.signature_blocks(actor, None, None)?);
        Ok(b.finish()?)
    }

    /// The management report of `period` as XLSX bytes.
    pub fn management_report_xlsx(&self, period: Period, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let r = self.management_report(period, now)?;
        let (header, q) = self.quality_doc_meta(TITLE, CODE_SETTING, DEFAULT_CODE, now)?;
        let err = xlsx::err("informe de gestión XLSX");
        let head = [
            header.entity.clone(),
            format!("{TITLE} — {}", r.label),
            format!(
                "Proceso: {} — Código: {} — Versión: {} — Fecha: {}",
                q.process, q.code, q.version, q.date
            ),
        ];
        let mut wb = Workbook::new();
        write_summary(wb.add_worksheet(), &r, &head).map_err(&err)?;
        write_indicators(wb.add_worksheet(), &r, &head).map_err(&err)?;
        write_trend(wb.add_worksheet(), &r).map_err(&err)?;
        write_risks(wb.add_worksheet(), &r).map_err(&err)?;
        write_plan(wb.add_worksheet(), &r).map_err(&err)?;
        Ok(wb.save_to_buffer().map_err(&err)?)
    }
}

fn write_head(ws: &mut Worksheet, head: &[String; 3]) -> std::result::Result<u32, XlsxError> {
    ws.write_string_with_format(0, 0, &head[0], &xlsx::title())?;
    ws.write_string_with_format(1, 0, &head[1], &xlsx::bold())?;
    xlsx::text(ws, 2, 0, &head[2])?;
    Ok(4)
}

fn header_row(ws: &mut Worksheet, row: u32, titles: &[&str]) -> std::result::Result<(), XlsxError> {
    let h = xlsx::header();
    for (c, t) in titles.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *t, &h)?;
    }
    Ok(())
}

fn light_format(l: Option<Light>) -> Format {
    let f = Format::new();
    match l {
        Some(Light::Satisfactory) => f.set_background_color(0x4CAF50),
        Some(Light::Acceptable) => f.set_background_color(0xFFEB3B),
        Some(Light::Critical) => f.set_background_color(0xE53935),
        None => f,
    }
}

fn write_summary(
    ws: &mut Worksheet,
    r: &ManagementReport,
    head: &[String; 3],
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Resumen")?;
    let mut row = write_head(ws, head)?;
    for (k, v) in summary(r) {
        ws.write_string_with_format(row, 0, k, &xlsx::bold())?;
        xlsx::text(ws, row, 1, &v)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "Conclusiones", &xlsx::bold())?;
    xlsx::text(ws, row, 1, &r.conclusions)?;
    ws.set_column_width(0, 42)?;
    ws.set_column_width(1, 90)?;
    Ok(())
}

fn write_indicators(
    ws: &mut Worksheet,
    r: &ManagementReport,
    head: &[String; 3],
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Indicadores")?;
    let row0 = write_head(ws, head)?;
    let titles = [
        "Código",
        "Indicador",
        "Tipo",
        "Fórmula",
        "Unidad",
        "Frecuencia",
        "Meta",
        "Resultado",
        "Numerador de denominador",
        "Semáforo",
        "Análisis",
    ];
    header_row(ws, row0, &titles)?;
    let num = xlsx::number(2);
    for (k, i) in r.indicators.iter().enumerate() {
        let row = row0 + 1 + k as u32;
        xlsx::text(ws, row, 0, &i.sheet.code)?;
        xlsx::text(ws, row, 1, &i.sheet.name)?;
        xlsx::text(ws, row, 2, i.sheet.kind.label())?;
        xlsx::text(ws, row, 3, &i.sheet.formula)?;
        xlsx::text(ws, row, 4, &i.sheet.unit)?;
        xlsx::text(ws, row, 5, &i.sheet.frequency_label)?;
        xlsx::text(ws, row, 6, &i.target_text)?;
        match i.value {
            Some(v) => {
                ws.write_number_with_format(row, 7, v, &num)?;
            }
            None => xlsx::text(ws, row, 7, "Sin datos")?,
        }
        xlsx::text(ws, row, 8, i.detail.as_deref().unwrap_or(""))?;
        ws.write_string_with_format(row, 9, light_text(i.light), &light_format(i.light))?;
        xlsx::text(ws, row, 10, &i.analysis)?;
    }
    for (c, w) in [10, 40, 12, 50, 10, 12, 12, 12, 16, 14, 70]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

fn write_trend(ws: &mut Worksheet, r: &ManagementReport) -> std::result::Result<(), XlsxError> {
    ws.set_name("Tendencia")?;
    header_row(
        ws,
        0,
        &[
            "Código",
            "Indicador",
            "Periodo",
            "Desde",
            "Hasta",
            "Valor",
            "Semáforo",
            "Análisis del periodo",
        ],
    )?;
    let num = xlsx::number(2);
    let mut row = 1;
    for i in &r.indicators {
        for v in &i.trend {
            xlsx::text(ws, row, 0, &i.sheet.code)?;
            xlsx::text(ws, row, 1, &i.sheet.name)?;
            xlsx::text(ws, row, 2, &v.label)?;
            xlsx::text(ws, row, 3, &fmt_day(&v.from))?;
            xlsx::text(ws, row, 4, &fmt_day(&v.to))?;
            match v.value {
                Some(x) => {
                    ws.write_number_with_format(row, 5, x, &num)?;
                }
                None => xlsx::text(ws, row, 5, "Sin datos")?,
            }
            ws.write_string_with_format(row, 6, light_text(v.light), &light_format(v.light))?;
            xlsx::text(ws, row, 7, &v.analysis)?;
            row += 1;
        }
    }
    for (c, w) in [10, 40, 18, 12, 12, 10, 14, 60].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

fn write_risks(ws: &mut Worksheet, r: &ManagementReport) -> std::result::Result<(), XlsxError> {
    ws.set_name("Riesgos")?;
    header_row(
        ws,
        0,
        &[
            "Código",
            "Riesgo",
            "Zona inherente",
            "Zona residual",
            "Tratamiento",
            "Controles",
            "Revisión vencida",
        ],
    )?;
    for (k, risk) in r.risks.risks.iter().enumerate() {
        let row = 1 + k as u32;
        xlsx::text(ws, row, 0, &risk.code)?;
        xlsx::text(ws, row, 1, &risk.description)?;
        xlsx::text(ws, row, 2, risk.inherent_zone.label())?;
        xlsx::text(ws, row, 3, risk.residual_zone.label())?;
        xlsx::text(ws, row, 4, &risk.treatment)?;
        ws.write_number(row, 5, risk.controls as f64)?;
        xlsx::text(ws, row, 6, if risk.review_overdue { "Sí" } else { "No" })?;
    }
    let mut row = r.risks.risks.len() as u32 + 2;
    header_row(
        ws,
        row,
        &["Zona", "Riesgos (inherente)", "Riesgos (residual)"],
    )?;
    for z in &r.risks.zones {
        row += 1;
        xlsx::text(ws, row, 0, &z.label)?;
        ws.write_number(row, 1, z.inherent as f64)?;
        ws.write_number(row, 2, z.residual as f64)?;
    }
    for (c, w) in [10, 60, 16, 16, 14, 10, 16].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

fn write_plan(ws: &mut Worksheet, r: &ManagementReport) -> std::result::Result<(), XlsxError> {
    ws.set_name("Plan de mejoramiento")?;
    header_row(ws, 0, &["Estado", "Acciones"])?;
    let mut row = 0;
    for s in &r.plan.by_state {
        row += 1;
        xlsx::text(ws, row, 0, &s.label)?;
        ws.write_number(row, 1, s.count as f64)?;
    }
    row += 2;
    header_row(
        ws,
        row,
        &[
            "Hallazgo",
            "Acción",
            "Responsable",
            "Fecha fin",
            "Avance (%)",
            "Estado",
        ],
    )?;
    for a in &r.plan.open_actions {
        row += 1;
        xlsx::text(ws, row, 0, &a.finding)?;
        xlsx::text(ws, row, 1, &a.description)?;
        xlsx::text(ws, row, 2, &a.owner)?;
        xlsx::text(ws, row, 3, &fmt_day(&a.ends_on))?;
        ws.write_number(row, 4, a.progress as f64)?;
        xlsx::text(ws, row, 5, &a.state_label)?;
    }
    for (c, w) in [14, 60, 24, 12, 12, 14].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}
