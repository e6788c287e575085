//! Commands of «Informes»: preview of the help-desk report, saving its analysis and
//! improvement actions, and saving/opening the PDF, the XLSX and case exports. Long writes
//! run on the command's worker thread and emit `export-progress` ([`ExportProgress`]).
//!
//! As in `assets::export_document`, `MESA_EXPORT_DIR` (tests, scripted use) writes under the
//! suggested name without the save dialog and without opening the file.

use mesa_core::pdf::PageSize;
use mesa_core::reports::documents::ReportPdfOptions;
use mesa_core::reports::{HelpdeskReport, Period, StoredReport};
use mesa_core::tickets::export::ExportProgress;
use mesa_core::{ApiError, Clock, SystemClock, TicketQuery};
use tauri::Emitter;

use crate::files::{open_if, save_target, write_doc};
use crate::{AppState, CmdResult};

type State<'a> = tauri::State<'a, AppState>;

pub(crate) fn period(from: &str, to: &str) -> CmdResult<Period> {
    Period::parse(from, to).map_err(|e| ApiError::from(&e))
}

#[tauri::command(async)]
pub fn report_preview(state: State<'_>, from: String, to: String) -> CmdResult<HelpdeskReport> {
    let p = period(&from, &to)?;
    state.read(|s| s.helpdesk_report(p, SystemClock.now()))
}

#[tauri::command(async)]
pub fn report_save(
    state: State<'_>,
    from: String,
    to: String,
    analysis: String,
    actions: String,
) -> CmdResult<StoredReport> {
    let p = period(&from, &to)?;
    state.with_now(|s, now| s.save_report(p, &analysis, &actions, &state.actor(), now))
}

fn progress(app: &tauri::AppHandle) -> impl FnMut(u64, u64) + '_ {
    move |done, total| {
        let _ = app.emit("export-progress", ExportProgress { done, total });
    }
}

/// The report of the period as `pdf` (Letter, or A4 with `a4`) or `xlsx`: asks where to save
/// it, writes it and opens it. Returns the path, or `null` when cancelled.
#[tauri::command(async)]
pub fn report_export(
    app: tauri::AppHandle,
    state: State<'_>,
    from: String,
    to: String,
    format: String,
    a4: Option<bool>,
) -> CmdResult<Option<String>> {
    let p = period(&from, &to)?;
    let name = format!("Informe de mesa de ayuda {} a {}", p.from, p.to);
    let now = SystemClock.now();
    match format.as_str() {
        "pdf" => {
            let Some((path, open_it)) = save_target(
                &app,
                &format!("{name}.pdf"),
                "Guardar documento",
                ("PDF", "pdf"),
            )?
            else {
                return Ok(None);
            };
            let opts = ReportPdfOptions {
                size: if a4 == Some(true) {
                    PageSize::A4
                } else {
                    PageSize::Letter
                },
                ..Default::default()
            };
            let bytes = state.read(|s| s.helpdesk_report_pdf(p, opts, &state.actor(), now))?;
            write_doc(&path, &bytes)?;
            open_if(&app, &path, open_it);
            Ok(Some(path.display().to_string()))
        }
        "xlsx" => {
            let Some((path, open_it)) = save_target(
                &app,
                &format!("{name}.xlsx"),
                "Guardar documento",
                ("Excel", "xlsx"),
            )?
            else {
                return Ok(None);
            };
            let mut pr = progress(&app);
            state.read(|s| s.helpdesk_report_xlsx(p, &path, now, &mut pr))?;
            open_if(&app, &path, open_it);
            Ok(Some(path.display().to_string()))
        }
        other => Err(ApiError {
            code: "validation".into(),
            message: format!("«{other}» no es un formato de informe (pdf o xlsx)"),
        }),
    }
}

/// The cases of the list with its current filters as `xlsx` or `csv` (UTF-8 con BOM, «;»).
#[tauri::command(async)]
pub fn cases_export(
    app: tauri::AppHandle,
    state: State<'_>,
    query: TicketQuery,
    format: String,
) -> CmdResult<Option<String>> {
    let now = SystemClock.now();
    let (filter, ext) = match format.as_str() {
        "xlsx" => ("Excel", "xlsx"),
        "csv" => ("CSV (separado por punto y coma)", "csv"),
        other => {
            return Err(ApiError {
                code: "validation".into(),
                message: format!("«{other}» no es un formato de exportación (xlsx o csv)"),
            })
        }
    };
    let stamp = mesa_core::clock::to_local(now).format("%Y-%m-%d %H%M");
    let Some((path, open_it)) = save_target(
        &app,
        &format!("Casos {stamp}.{ext}"),
        "Guardar documento",
        (filter, ext),
    )?
    else {
        return Ok(None);
    };
    let mut pr = progress(&app);
    state.read(|s| {
        if ext == "xlsx" {
            s.export_cases_xlsx(&query, &path, now, &mut pr)
        } else {
            s.export_cases_csv(&query, &path, now, &mut pr)
        }
    })?;
    open_if(&app, &path, open_it);
    Ok(Some(path.display().to_string()))
}
