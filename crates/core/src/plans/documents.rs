//! The improvement plan as documents: XLSX in the columns control bodies use (Contraloría
//! SIRECI F14.1 and internal-control formats: one row per action, the finding's number,
//! description, causes and effect repeated) and a PDF with the quality-document header
//! (`Store::quality_doc_meta`, shared with the help-desk report) and signature blocks.
//! The document code is the setting `plan_code` (default [`DEFAULT_CODE`]).

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::{fmt_day, ActionState, Finding, PlanAction};
use crate::clock::to_local;
use crate::error::Result;
use crate::pdf::{Cell, Colour, Column, Orientation, PageSize, PdfBuilder};
use crate::store::Store;
use mesa_docwriter::xlsx;

pub const TITLE: &str = "Plan de mejoramiento";
pub const DEFAULT_CODE: &str = "FO-TIC-10";

/// The columns of the XLSX, in order.
pub const XLSX_COLUMNS: [&str; 17] = [
    "Número del hallazgo",
    "Descripción del hallazgo",
    "Causa",
    "Efecto",
    "Acción de mejora",
    "Objetivo",
    "Meta / descripción de las actividades",
    "Unidad de medida",
    "Cantidad",
    "Fecha de inicio",
    "Fecha de terminación",
    "Plazo en semanas",
    "Avance %",
    "Responsable",
    "Seguimiento (fecha, observación)",
    "Estado",
    "Verificación de cierre",
];

fn causes_text(f: &Finding) -> String {
    if f.causes.len() == 1 {
        return f.causes[0].clone();
    }
    f.causes
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {c}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

fn follow_ups_text(a: &PlanAction) -> String {
    a.follow_ups
        .iter()
        .map(|s| {
            let ev = if s.attachments.is_empty() {
                String::new()
            } else {
                format!(
                    " [evidencia: {}]",
                    s.attachments
                        .iter()
                        .filter(|x| x.removed_at.is_none())
                        .map(|x| x.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "{}: {} ({} %){ev}",
                fmt_day(&s.done_on),
                s.comment,
                s.progress
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn verification_text(a: &PlanAction) -> String {
    match (&a.verified_by, &a.verified_at) {
        (Some(by), Some(at)) => {
            let day = chrono::DateTime::parse_from_rfc3339(at)
                .map(|t| t.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|_| at.clone());
            let mut s = format!("{day}, {by}");
            if let Some(n) = &a.verification_note {
                s.push_str(&format!(": {n}"));
            }
            if let Some(j) = &a.justification {
                s.push_str(&format!(" (justificación: {j})"));
            }
            s
        }
        _ => String::new(),
    }
}

fn excel_date(s: &str) -> Option<ExcelDateTime> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    ExcelDateTime::parse_from_str(&d.format("%Y-%m-%d").to_string()).ok()
}

fn state_fill(s: ActionState) -> Option<Colour> {
    match s {
        ActionState::Cumplida => Some(Colour::hex("#C6EFCE")),
        ActionState::Vencida => Some(Colour::hex("#FFC7CE")),
        ActionState::EnEjecucion => Some(Colour::hex("#FFEB9C")),
        ActionState::Abierta => None,
    }
}

impl Store {
    /// The improvement plan (every finding and action) as an XLSX file at `path`.
    pub fn improvement_plan_xlsx(&self, path: &Path, now: DateTime<Utc>) -> Result<()> {
        let findings = self.plan_findings_full(now)?;
        let (header, q) = self.quality_doc_meta(TITLE, "plan_code", DEFAULT_CODE, now)?;
        let err = xlsx::err("plan de mejoramiento XLSX");
        let mut wb = Workbook::new();
        {
            let ws = wb.add_worksheet();
            ws.set_name("Plan de mejoramiento").map_err(&err)?;
            let meta = [
                header.entity.clone(),
                header
                    .nit
                    .as_ref()
                    .map(|n| format!("NIT {n}"))
                    .unwrap_or_default(),
                TITLE.to_string(),
                format!(
                    "Proceso: {} — Código: {} — Versión: {} — Fecha: {}",
                    q.process, q.code, q.version, q.date
                ),
            ];
            write_sheet(ws, &meta, &findings).map_err(&err)?;
        }
        crate::files::save_workbook(&mut wb, path, "plan de mejoramiento XLSX")
    }

    /// The improvement plan as a PDF (landscape; quality header on every page; signatures).
    pub fn improvement_plan_pdf(
        &self,
        size: PageSize,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let findings = self.plan_findings_full(now)?;
        let (header, q) = self.quality_doc_meta(TITLE, "plan_code", DEFAULT_CODE, now)?;
        let mut b = PdfBuilder::with_page(header, Orientation::Landscape, size, Some(q))?;
        b.set_footer_note(&format!(
            "Generado el {} — Mesa de Ayuda TI",
            to_local(now).format("%d/%m/%Y %H:%M")
        ));
        let actions: Vec<&PlanAction> = findings.iter().flat_map(|f| &f.actions).collect();
        let count = |s: ActionState| actions.iter().filter(|a| a.state == s).count();
        b.paragraph(
            &format!(
                "Hallazgos: {} — Acciones: {} (abiertas {}, en ejecución {}, vencidas {}, \
                 cumplidas {})",
                findings.len(),
                actions.len(),
                count(ActionState::Abierta),
                count(ActionState::EnEjecucion),
                count(ActionState::Vencida),
                count(ActionState::Cumplida),
            ),
            10.0,
            true,
        );
        if findings.is_empty() {
            b.paragraph("Sin hallazgos registrados.", 9.5, false);
        }
        let columns = [
            Column::new("Acción de mejora", 2.2),
            Column::new("Objetivo / meta", 2.0),
            Column::new("Unidad y cantidad", 1.1),
            Column::centered("Inicio", 1.25),
            Column::centered("Terminación", 1.3),
            Column::centered("Semanas", 1.0),
            Column::centered("Avance", 0.85),
            Column::new("Responsable", 1.4),
            Column::new("Seguimiento", 3.3),
            Column::centered("Estado", 1.0),
        ];
        for f in &findings {
            b.heading(&format!("{} — {}", f.number, f.description));
            b.key_values(
                &[
                    (
                        "Fuente",
                        match &f.source_ref {
                            Some(r) => format!("{}: {r}", f.source_label),
                            None => f.source_label.clone(),
                        },
                    ),
                    ("Fecha", fmt_day(&f.found_on)),
                    ("Causa", causes_text(f)),
                    ("Efecto", f.effect.clone().unwrap_or_default()),
                    ("Estado", f.state_label.clone()),
                    ("Avance", format!("{} %", dec1(f.progress))),
                ],
                2,
            );
            if f.actions.is_empty() {
                b.paragraph("Sin acciones de mejora registradas.", 9.0, false);
                continue;
            }
            let rows: Vec<Vec<Cell>> = f
                .actions
                .iter()
                .map(|a| {
                    let mut seg = follow_ups_text(a);
                    let v = verification_text(a);
                    if !v.is_empty() {
                        seg.push_str(&format!("\nVerificación: {v}"));
                    }
                    let goal = [a.objective.clone(), a.goal.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("\n");
                    let qty = match (&a.unit, a.quantity) {
                        (Some(u), Some(n)) => format!("{} {u}", fmt_qty(n)),
                        (Some(u), None) => u.clone(),
                        (None, Some(n)) => fmt_qty(n),
                        (None, None) => String::new(),
                    };
                    vec![
                        Cell::text(a.description.clone()),
                        Cell::text(goal),
                        Cell::text(qty),
                        Cell::text(fmt_day(&a.starts_on)),
                        Cell::text(fmt_day(&a.ends_on)),
                        Cell::text(dec1(a.weeks)),
                        Cell::text(format!("{} %", a.progress)),
                        Cell::text(a.owner.clone()),
                        Cell::text(seg),
                        Cell::filled(a.state_label.clone(), state_fill(a.state)),
                    ]
                })
                .collect();
            b.table(&columns, &rows, 7.5);
        }
        b.signatures(&self.signature_blocks(actor, None, None)?);
        Ok(b.finish()?)
    }
}

/// One decimal with a decimal comma (es-CO).
fn dec1(n: f64) -> String {
    format!("{n:.1}").replace('.', ",")
}

fn fmt_qty(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}").replace('.', ",")
    }
}

fn write_sheet(
    ws: &mut Worksheet,
    meta: &[String; 4],
    findings: &[Finding],
) -> std::result::Result<(), XlsxError> {
    let title = xlsx::title();
    ws.write_string_with_format(0, 0, &meta[0], &title)?;
    ws.write_string(1, 0, &meta[1])?;
    ws.write_string_with_format(2, 0, &meta[2], &xlsx::bold())?;
    ws.write_string(3, 0, &meta[3])?;
    let hr = 5u32;
    let head = xlsx::header()
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    for (i, t) in XLSX_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(hr, i as u16, *t, &head)?;
    }
    let widths = [
        14.0, 40.0, 32.0, 28.0, 40.0, 28.0, 32.0, 14.0, 10.0, 12.0, 12.0, 10.0, 10.0, 22.0, 48.0,
        14.0, 30.0,
    ];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    ws.set_freeze_panes(hr + 1, 1)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = xlsx::date().set_align(FormatAlign::Top);
    let num1 = xlsx::number(1).set_align(FormatAlign::Top);
    let num0 = xlsx::number(0).set_align(FormatAlign::Top);
    let mut row = hr + 1;
    for f in findings {
        let base = |ws: &mut Worksheet, row: u32| -> std::result::Result<(), XlsxError> {
            ws.write_string_with_format(row, 0, &f.number, &wrap)?;
            ws.write_string_with_format(row, 1, &f.description, &wrap)?;
            ws.write_string_with_format(row, 2, causes_text(f), &wrap)?;
            ws.write_string_with_format(row, 3, f.effect.clone().unwrap_or_default(), &wrap)?;
            Ok(())
        };
        if f.actions.is_empty() {
            base(ws, row)?;
            ws.write_string_with_format(row, 15, &f.state_label, &wrap)?;
            row += 1;
            continue;
        }
        for a in &f.actions {
            base(ws, row)?;
            ws.write_string_with_format(row, 4, &a.description, &wrap)?;
            for (col, v) in [(5u16, &a.objective), (6, &a.goal), (7, &a.unit)] {
                if let Some(v) = v {
                    ws.write_string_with_format(row, col, v, &wrap)?;
                }
            }
            if let Some(n) = a.quantity {
                ws.write_number_with_format(
                    row,
                    8,
                    n,
                    &xlsx::number(if n.fract() == 0.0 { 0 } else { 2 }),
                )?;
            }
            if let Some(d) = excel_date(&a.starts_on) {
                ws.write_datetime_with_format(row, 9, &d, &date)?;
            }
            if let Some(d) = excel_date(&a.ends_on) {
                ws.write_datetime_with_format(row, 10, &d, &date)?;
            }
            ws.write_number_with_format(row, 11, a.weeks, &num1)?;
            ws.write_number_with_format(row, 12, a.progress as f64, &num0)?;
            ws.write_string_with_format(row, 13, &a.owner, &wrap)?;
            ws.write_string_with_format(row, 14, follow_ups_text(a), &wrap)?;
            ws.write_string_with_format(row, 15, &a.state_label, &wrap)?;
            ws.write_string_with_format(row, 16, verification_text(a), &wrap)?;
            row += 1;
        }
    }
    Ok(())
}
