//! The problems list of an import (errors and warnings, each with sheet, row, column and a
//! Spanish message) as an XLSX workbook the user can keep, filter and send.

use rust_xlsxwriter::Workbook;

use super::ImportReport;
use crate::error::{CoreError, Result};
use mesa_docwriter::xlsx;

/// Suggested file name for the problems workbook of a report.
pub fn problems_file_name(report: &ImportReport) -> String {
    let stem = std::path::Path::new(&report.file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "importación".to_string());
    // Keep the name safe on every file system.
    let stem: String = stem
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect();
    format!("Problemas de importación {stem}.xlsx")
}

/// One sheet «Problemas»: Tipo, Hoja, Fila, Columna, Mensaje (errors first, then warnings, each
/// in the report's order), with a title naming the file and its SHA-256.
pub fn problems_xlsx(report: &ImportReport) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| CoreError::Document {
        what: "lista de problemas XLSX".to_string(),
        detail: e.to_string(),
    };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Problemas").map_err(err)?;
    let title = xlsx::title();
    let head = xlsx::header();
    let cell = xlsx::bordered_wrapped();
    ws.write_string_with_format(
        0,
        0,
        format!("Problemas de la importación de «{}»", report.file),
        &title,
    )
    .map_err(err)?;
    ws.write_string(
        1,
        0,
        format!(
            "{} · SHA-256 {} · {} error(es), {} aviso(s){}",
            report.format_label,
            report.sha256,
            report.errors.len(),
            report.warnings.len(),
            match report.batch {
                Some(b) => format!(" · lote {b}"),
                None if report.dry_run => " · simulación".to_string(),
                None => String::new(),
            }
        ),
    )
    .map_err(err)?;
    let headers = [
        ("Tipo", 9.0),
        ("Hoja", 18.0),
        ("Fila", 7.0),
        ("Columna", 22.0),
        ("Mensaje", 90.0),
    ];
    for (i, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(3, i as u16, *h, &head)
            .map_err(err)?;
        ws.set_column_width(i as u16, *w).map_err(err)?;
    }
    let mut r: u32 = 4;
    for (kind, list) in [("Error", &report.errors), ("Aviso", &report.warnings)] {
        for p in list.iter() {
            ws.write_string_with_format(r, 0, kind, &cell)
                .map_err(err)?;
            ws.write_string_with_format(r, 1, &p.sheet, &cell)
                .map_err(err)?;
            match p.row {
                Some(row) => ws.write_number_with_format(r, 2, row as f64, &cell),
                None => ws.write_string_with_format(r, 2, "", &cell),
            }
            .map_err(err)?;
            ws.write_string_with_format(r, 3, p.column.as_deref().unwrap_or(""), &cell)
                .map_err(err)?;
            ws.write_string_with_format(r, 4, &p.message, &cell)
                .map_err(err)?;
            r += 1;
        }
    }
    if r == 4 {
        ws.write_string(r, 0, "La importación no tuvo problemas.")
            .map_err(err)?;
    } else {
        ws.autofilter(3, 0, r - 1, 4).map_err(err)?;
    }
    ws.set_freeze_panes(4, 0).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}
