//! Management report (informe de gestión, issue 18): the usual periods, the report computed for a
//! period, its texts saved, and the documents (PDF, XLSX) saved through `files.rs`.

use mesa_core::management::report::{
    report_periods, ManagementReport, ManagementReportTexts, ReportPeriodOption,
};
use mesa_core::{Clock, SystemClock};

use super::reports::period;
use crate::files::{open_if, save_target, write_doc};
use crate::{AppState, CmdResult};

/// The quarters and years a management report is usually made for (current quarter first).
#[tauri::command(async)]
pub fn management_report_periods() -> CmdResult<Vec<ReportPeriodOption>> {
    Ok(report_periods(SystemClock.now()))
}

#[tauri::command(async)]
pub fn management_report(
    state: tauri::State<'_, AppState>,
    from: String,
    to: String,
) -> CmdResult<ManagementReport> {
    let period = period(&from, &to)?;
    state.read(|s| s.management_report(period, SystemClock.now()))
}

#[tauri::command(async)]
pub fn management_report_save(
    state: tauri::State<'_, AppState>,
    from: String,
    to: String,
    texts: ManagementReportTexts,
) -> CmdResult<ManagementReport> {
    let period = period(&from, &to)?;
    state.with_now(|s, now| s.save_management_report(period, &texts, &state.actor(), now))
}

/// The report as `pdf` or `xlsx`: asks where to save it (or `MESA_EXPORT_DIR`), writes it and
/// opens it. Returns the path, or `null` when the user cancelled.
#[tauri::command(async)]
pub fn management_report_export(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    from: String,
    to: String,
    format: String,
) -> CmdResult<Option<String>> {
    let period = period(&from, &to)?;
    let now = SystemClock.now();
    let (bytes, filter, ext) = state.read(|s| {
        Ok(match format.as_str() {
            "pdf" => (
                s.management_report_pdf(period, &state.actor(), now)?,
                "PDF",
                "pdf",
            ),
            "xlsx" => (s.management_report_xlsx(period, now)?, "Excel", "xlsx"),
            other => {
                return Err(mesa_core::CoreError::validation(
                    "formato",
                    format!("«{other}» no es un formato del informe de gestión (pdf o xlsx)"),
                ))
            }
        })
    })?;
    let name = format!("Informe de gestión {} a {}.{ext}", period.from, period.to);
    let Some((path, open_it)) =
        save_target(&app, &name, "Guardar informe de gestión", (filter, ext))?
    else {
        return Ok(None);
    };
    write_doc(&path, &bytes)?;
    open_if(&app, &path, open_it);
    Ok(Some(path.display().to_string()))
}
