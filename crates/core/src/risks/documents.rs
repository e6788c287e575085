//! The risk map as documents: PDF (quality-document header and signature blocks of the
//! help-desk report, the inherent and residual heat maps drawn as vector grids, the risk
//! table, the controls) and XLSX (sheet «Mapa de riesgos» with every column, one row per
//! control as well in «Controles», and «Mapa de calor» with the 5×5 grid and its counts).
//!
//! Setting `risk_map_code` (default `FO-TIC-08`) is the document's code in the header.

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::scales::{impact_label, probability_label, IMPACT_LABELS, PROBABILITY_LABELS};
use super::{RiskMap, Zone};
use crate::clock::to_local;
use crate::error::Result;
use crate::pdf::{Cell, Colour, Column, GridCell, Orientation, PageSize, PdfBuilder};
use crate::store::Store;
use mesa_docwriter::xlsx;

pub const TITLE: &str = "Mapa de riesgos";
pub const DEFAULT_CODE: &str = "FO-TIC-08";

pub(crate) fn zone_colour(z: Zone) -> Colour {
    Colour::hex(z.colour())
}

fn day(s: &Option<String>) -> String {
    s.as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

fn level_text(level: i64, label: &str) -> String {
    format!("{level} {label}")
}

/// `1, 2` style list of codes for a cell, or empty.
fn codes(v: &[String]) -> String {
    v.join(", ")
}

/// The inherent and residual heat maps (5×5 vector grids with the risk codes in their cells)
/// and the zone legend: the risk map's PDF and the management report draw the same.
pub(crate) fn draw_heat_maps(b: &mut PdfBuilder, map: &RiskMap) {
    let rows: Vec<String> = (1..=5)
        .rev()
        .map(|p| format!("{} ({} %)", probability_label(p), p * 20))
        .collect();
    let cols: Vec<String> = (1..=5)
        .map(|i| format!("{} ({} %)", impact_label(i), i * 20))
        .collect();
    for (title, residual) in [
        ("Riesgo inherente", false),
        ("Riesgo residual (después de controles)", true),
    ] {
        let grid: Vec<Vec<GridCell>> = (1..=5)
            .rev()
            .map(|p| {
                (1..=5)
                    .map(|i| {
                        let cell = map
                            .cells
                            .iter()
                            .find(|c| c.probability == p && c.impact == i);
                        let here = cell
                            .map(|c| if residual { &c.residual } else { &c.inherent })
                            .cloned()
                            .unwrap_or_default();
                        let zone = super::scales::zone(p, i);
                        let mut lines = vec![zone.label().to_string()];
                        if !here.is_empty() {
                            lines.push(codes(&here));
                        }
                        GridCell {
                            fill: Some(zone_colour(zone)),
                            lines,
                            bold: !here.is_empty(),
                        }
                    })
                    .collect()
            })
            .collect();
        b.grid_chart(title, "Probabilidad", &rows, "Impacto", &cols, &grid, 30.0);
    }
    let legend: Vec<(Colour, String)> = Zone::ALL
        .iter()
        .map(|z| (zone_colour(*z), format!("Zona {}", z.label())))
        .collect();
    let legend_ref: Vec<(Colour, &str)> = legend.iter().map(|(c, s)| (*c, s.as_str())).collect();
    b.legend(&legend_ref);
}

impl Store {
    /// The risk map as PDF (landscape Letter).
    pub fn risk_map_pdf(&self, actor: &str, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let map = self.risk_map(now)?;
        let (header, quality) = self.quality_doc_meta(TITLE, "risk_map_code", DEFAULT_CODE, now)?;
        let mut b = PdfBuilder::with_page(
            header,
            Orientation::Landscape,
            PageSize::Letter,
            Some(quality),
        )?;
        b.set_footer_note(&format!(
            "Generado el {} — Mesa de Ayuda TI",
            to_local(now).format("%d/%m/%Y %H:%M")
        ));
        b.paragraph(
            &format!(
                "Riesgos identificados: {}. Metodología: Guía para la administración del riesgo \
                 y el diseño de controles en entidades públicas (DAFP).",
                map.risks.len()
            ),
            9.5,
            false,
        );
        b.heading("1. Mapa de calor");
        draw_heat_maps(&mut b, &map);

        b.heading("2. Riesgos");
        let columns = [
            Column::new("Código", 0.8),
            Column::new("Riesgo", 4.0),
            Column::new("Clasificación", 1.6),
            Column::new("Causas", 2.4),
            Column::new("Consecuencias", 2.4),
            Column::centered("Inherente", 1.5),
            Column::centered("Residual", 1.5),
            Column::new("Tratamiento", 1.3),
        ];
        let rows: Vec<Vec<Cell>> = map
            .risks
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.code.clone()),
                    Cell::text(r.description.clone()),
                    Cell::text(r.classification.clone()),
                    Cell::text(r.causes.clone()),
                    Cell::text(r.consequences.clone()),
                    Cell::filled(
                        format!(
                            "{} (P{} × I{})",
                            r.inherent_zone.label(),
                            r.probability,
                            r.impact
                        ),
                        Some(zone_colour(r.inherent_zone)),
                    ),
                    Cell::filled(
                        format!(
                            "{} (P{} × I{})",
                            r.residual_zone.label(),
                            r.residual_probability,
                            r.residual_impact
                        ),
                        Some(zone_colour(r.residual_zone)),
                    ),
                    Cell::text(r.treatment.label()),
                ]
            })
            .collect();
        b.table(&columns, &rows, 7.5);

        b.heading("3. Controles");
        let columns = [
            Column::new("Riesgo", 0.8),
            Column::centered("N.º", 0.5),
            Column::new("Control", 3.4),
            Column::new("Tipo", 1.1),
            Column::new("Implementación", 1.45),
            Column::centered("Peso", 0.7),
            Column::new("Documentado", 1.35),
            Column::new("Frecuencia", 1.0),
            Column::new("Evidencia", 1.25),
            Column::new("Responsable", 1.5),
        ];
        let rows: Vec<Vec<Cell>> = map
            .risks
            .iter()
            .flat_map(|r| {
                r.controls.iter().map(move |c| {
                    vec![
                        Cell::text(r.code.clone()),
                        Cell::text(c.position.to_string()),
                        Cell::text(c.description.clone()),
                        Cell::text(c.kind.label()),
                        Cell::text(c.implementation.label()),
                        Cell::text(format!("{} %", c.weight)),
                        Cell::text(if c.documented { "Sí" } else { "No" }),
                        Cell::text(c.frequency.label()),
                        Cell::text(if c.evidence {
                            "Con evidencia"
                        } else {
                            "Sin evidencia"
                        }),
                        Cell::text(c.responsible.clone().unwrap_or_default()),
                    ]
                })
            })
            .collect();
        if rows.is_empty() {
            b.paragraph("Sin controles registrados.", 9.0, false);
        } else {
            b.table(&columns, &rows, 7.5);
        }
        b.paragraph(super::scales::METHOD, 8.0, false);

        b.heading("4. Plan de acción y seguimiento");
        let columns = [
            Column::new("Riesgo", 0.8),
            Column::new("Acción", 4.0),
            Column::new("Responsable", 1.6),
            Column::centered("Fecha", 1.0),
            Column::centered("N.º acción plan de mejora", 1.3),
            Column::centered("Última revisión", 1.0),
            Column::centered("Próxima revisión", 1.2),
            Column::new("Dato de la aplicación", 3.0),
        ];
        let rows: Vec<Vec<Cell>> = map
            .risks
            .iter()
            .map(|r| {
                let next = if r.review_overdue {
                    format!("{} (revisión vencida)", day(&r.next_review))
                } else {
                    day(&r.next_review)
                };
                vec![
                    Cell::text(r.code.clone()),
                    Cell::text(r.plan_description.clone().unwrap_or_default()),
                    Cell::text(r.plan_responsible.clone().unwrap_or_default()),
                    Cell::text(day(&r.plan_due)),
                    Cell::text(r.plan_action_id.map(|i| i.to_string()).unwrap_or_default()),
                    Cell::text(day(&r.last_review)),
                    Cell::text(next),
                    Cell::text(
                        r.data
                            .as_ref()
                            .map(|d| format!("{}: {}", d.label, d.value))
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect();
        b.table(&columns, &rows, 7.5);
        b.signatures(&self.signature_blocks(actor, None, None)?);
        Ok(b.finish()?)
    }

    /// The risk map as XLSX bytes: «Mapa de riesgos» (every column), «Controles», «Mapa de
    /// calor» (5×5 with the number of risks per cell, inherent and residual).
    pub fn risk_map_xlsx(&self, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let map = self.risk_map(now)?;
        let (header, q) = self.quality_doc_meta(TITLE, "risk_map_code", DEFAULT_CODE, now)?;
        let err = xlsx::err("mapa de riesgos XLSX");
        let mut wb = Workbook::new();
        let head_lines = [
            header.entity.clone(),
            TITLE.to_string(),
            format!(
                "Proceso: {} — Código: {} — Versión: {} — Fecha: {}",
                q.process, q.code, q.version, q.date
            ),
        ];
        {
            let ws = wb.add_worksheet();
            ws.set_name("Mapa de riesgos").map_err(&err)?;
            write_risks(ws, &map, &head_lines).map_err(&err)?;
        }
        {
            let ws = wb.add_worksheet();
            ws.set_name("Controles").map_err(&err)?;
            write_controls(ws, &map).map_err(&err)?;
        }
        {
            let ws = wb.add_worksheet();
            ws.set_name("Mapa de calor").map_err(&err)?;
            write_heat_map(ws, &map).map_err(&err)?;
        }
        Ok(wb.save_to_buffer().map_err(&err)?)
    }
}

/// Columns of the «Mapa de riesgos» sheet.
pub const RISK_SHEET_COLUMNS: [&str; 27] = [
    "Código",
    "Proceso",
    "Riesgo",
    "Clasificación",
    "Causas",
    "Consecuencias",
    "Probabilidad inherente",
    "Impacto inherente",
    "Zona inherente",
    "Controles",
    "Probabilidad residual (%)",
    "Probabilidad residual",
    "Impacto residual (%)",
    "Impacto residual",
    "Zona residual",
    "Tratamiento",
    "Plan de acción",
    "Responsable",
    "Fecha del plan",
    "Acción del plan de mejoramiento",
    "Última revisión",
    "Próxima revisión",
    "Revisión vencida",
    "Fuente de datos",
    "Dato de la aplicación",
    "Actualizado por",
    "Actualizado (UTC)",
];

fn zone_format(z: Zone) -> Format {
    let hex = u32::from_str_radix(z.colour().trim_start_matches('#'), 16).unwrap_or(0xFFFFFF);
    Format::new()
        .set_background_color(Color::RGB(hex))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

fn write_risks(
    ws: &mut Worksheet,
    map: &RiskMap,
    head_lines: &[String],
) -> std::result::Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, &head_lines[0], &xlsx::title())?;
    for (i, l) in head_lines.iter().enumerate().skip(1) {
        ws.write_string(i as u32, 0, l)?;
    }
    let hr = head_lines.len() as u32 + 1;
    let head = xlsx::header().set_text_wrap();
    for (i, t) in RISK_SHEET_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(hr, i as u16, *t, &head)?;
    }
    let wrap = xlsx::bordered_wrapped();
    let pct = xlsx::number(2);
    let date = xlsx::date();
    for (k, r) in map.risks.iter().enumerate() {
        let row = hr + 1 + k as u32;
        let t = |ws: &mut Worksheet, col: u16, s: &str| -> std::result::Result<(), XlsxError> {
            ws.write_string_with_format(row, col, s, &wrap)?;
            Ok(())
        };
        t(ws, 0, &r.code)?;
        t(ws, 1, &r.process)?;
        t(ws, 2, &r.description)?;
        t(ws, 3, &r.classification)?;
        t(ws, 4, &r.causes)?;
        t(ws, 5, &r.consequences)?;
        t(
            ws,
            6,
            &level_text(r.probability, probability_label(r.probability)),
        )?;
        t(ws, 7, &level_text(r.impact, impact_label(r.impact)))?;
        ws.write_string_with_format(
            row,
            8,
            r.inherent_zone.label(),
            &zone_format(r.inherent_zone),
        )?;
        ws.write_number(row, 9, r.controls.len() as f64)?;
        ws.write_number_with_format(row, 10, r.residual_probability_pct, &pct)?;
        t(
            ws,
            11,
            &level_text(
                r.residual_probability,
                probability_label(r.residual_probability),
            ),
        )?;
        ws.write_number_with_format(row, 12, r.residual_impact_pct, &pct)?;
        t(
            ws,
            13,
            &level_text(r.residual_impact, impact_label(r.residual_impact)),
        )?;
        ws.write_string_with_format(
            row,
            14,
            r.residual_zone.label(),
            &zone_format(r.residual_zone),
        )?;
        t(ws, 15, r.treatment.label())?;
        t(ws, 16, r.plan_description.as_deref().unwrap_or(""))?;
        t(ws, 17, r.plan_responsible.as_deref().unwrap_or(""))?;
        write_day(ws, row, 18, &r.plan_due, &date)?;
        if let Some(id) = r.plan_action_id {
            ws.write_number(row, 19, id as f64)?;
        }
        write_day(ws, row, 20, &r.last_review, &date)?;
        write_day(ws, row, 21, &r.next_review, &date)?;
        t(ws, 22, if r.review_overdue { "Sí" } else { "No" })?;
        t(ws, 23, r.data_source.label())?;
        t(
            ws,
            24,
            &r.data
                .as_ref()
                .map(|d| format!("{}: {}", d.label, d.value))
                .unwrap_or_default(),
        )?;
        t(ws, 25, &r.updated_by)?;
        t(ws, 26, &r.updated_at)?;
    }
    ws.set_column_width(0, 9)?;
    for c in [2u16, 4, 5, 16, 24] {
        ws.set_column_width(c, 40)?;
    }
    ws.set_freeze_panes(hr + 1, 1)?;
    Ok(())
}

fn write_day(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    d: &Option<String>,
    f: &Format,
) -> std::result::Result<(), XlsxError> {
    if let Some(d) = d
        .as_deref()
        .and_then(|d| rust_xlsxwriter::ExcelDateTime::parse_from_str(d).ok())
    {
        ws.write_datetime_with_format(row, col, &d, f)?;
    }
    Ok(())
}

fn write_controls(ws: &mut Worksheet, map: &RiskMap) -> std::result::Result<(), XlsxError> {
    let head = xlsx::header().set_text_wrap();
    let cols = [
        "Riesgo",
        "N.º",
        "Control",
        "Tipo",
        "Implementación",
        "Peso (%)",
        "Documentado",
        "Frecuencia",
        "Evidencia",
        "Responsable",
    ];
    for (i, t) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *t, &head)?;
    }
    let mut row = 1;
    for r in &map.risks {
        for c in &r.controls {
            xlsx::text(ws, row, 0, &r.code)?;
            ws.write_number(row, 1, c.position as f64)?;
            xlsx::text(ws, row, 2, &c.description)?;
            xlsx::text(ws, row, 3, c.kind.label())?;
            xlsx::text(ws, row, 4, c.implementation.label())?;
            ws.write_number(row, 5, c.weight as f64)?;
            xlsx::text(ws, row, 6, if c.documented { "Sí" } else { "No" })?;
            xlsx::text(ws, row, 7, c.frequency.label())?;
            xlsx::text(
                ws,
                row,
                8,
                if c.evidence {
                    "Con evidencia"
                } else {
                    "Sin evidencia"
                },
            )?;
            xlsx::text(ws, row, 9, c.responsible.as_deref().unwrap_or(""))?;
            row += 1;
        }
    }
    ws.set_column_width(2, 50)?;
    Ok(())
}

/// Two 5×5 grids (inherent at the top, residual under it): probability rows 5 → 1, impact
/// columns 1 → 5; each cell holds the number of risks and its zone's colour, and the codes in a
/// note column beside.
fn write_heat_map(ws: &mut Worksheet, map: &RiskMap) -> std::result::Result<(), XlsxError> {
    let bold = xlsx::bold();
    let head = xlsx::header().set_text_wrap();
    let mut top = 0u32;
    for (title, residual) in [("Riesgo inherente", false), ("Riesgo residual", true)] {
        ws.write_string_with_format(top, 0, title, &bold)?;
        ws.write_string_with_format(top + 1, 0, "Probabilidad \\ Impacto", &head)?;
        for (i, l) in IMPACT_LABELS.iter().enumerate() {
            ws.write_string_with_format(top + 1, i as u16 + 1, *l, &head)?;
        }
        ws.write_string_with_format(top + 1, 6, "Riesgos", &head)?;
        for (k, p) in (1..=5i64).rev().enumerate() {
            let row = top + 2 + k as u32;
            ws.write_string_with_format(row, 0, PROBABILITY_LABELS[p as usize - 1], &head)?;
            let mut listed = vec![];
            for i in 1..=5i64 {
                let cell = map
                    .cells
                    .iter()
                    .find(|c| c.probability == p && c.impact == i);
                let here = cell
                    .map(|c| if residual { &c.residual } else { &c.inherent })
                    .cloned()
                    .unwrap_or_default();
                let z = super::scales::zone(p, i);
                ws.write_number_with_format(row, i as u16, here.len() as f64, &zone_format(z))?;
                if !here.is_empty() {
                    listed.push(format!("{}: {}", impact_label(i), codes(&here)));
                }
            }
            xlsx::text(ws, row, 6, &listed.join("; "))?;
        }
        top += 9;
    }
    ws.set_column_width(0, 22)?;
    for c in 1..=5u16 {
        ws.set_column_width(c, 13)?;
    }
    ws.set_column_width(6, 40)?;
    Ok(())
}
