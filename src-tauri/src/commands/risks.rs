//! Risk map (issue 18, DAFP guide): scales and lists, the map with its heat map, edit risks and
//! controls, and the documents (PDF, XLSX) saved through `files.rs`.

use mesa_core::risks::{ControlInput, Risk, RiskInput, RiskMap, RiskScales};
use mesa_core::{Clock, SystemClock};

use crate::files::{open_if, save_target, write_doc};
use crate::{AppState, CmdResult};

/// Every scale and list of the risk map (probability, impact, zones, heat map, control
/// attributes and weights, treatments, data sources, classifications).
#[tauri::command(async)]
pub fn risk_scales() -> CmdResult<RiskScales> {
    Ok(mesa_core::risks::scales())
}

#[tauri::command(async)]
pub fn risk_map(state: tauri::State<'_, AppState>) -> CmdResult<RiskMap> {
    state.read(|s| s.risk_map(SystemClock.now()))
}

#[tauri::command(async)]
pub fn risk_get(state: tauri::State<'_, AppState>, code: String) -> CmdResult<Risk> {
    state.read(|s| s.risk(&code, SystemClock.now()))
}

#[tauri::command(async)]
pub fn risk_create(state: tauri::State<'_, AppState>, input: RiskInput) -> CmdResult<Risk> {
    state.with_now(|s, now| s.create_risk(&state.actor(), now, &input))
}

#[tauri::command(async)]
pub fn risk_update(
    state: tauri::State<'_, AppState>,
    code: String,
    input: RiskInput,
) -> CmdResult<Risk> {
    state.with_now(|s, now| s.update_risk(&state.actor(), now, &code, &input))
}

#[tauri::command(async)]
pub fn risk_delete(state: tauri::State<'_, AppState>, code: String) -> CmdResult<()> {
    state.with_now(|s, now| s.delete_risk(&state.actor(), now, &code))
}

#[tauri::command(async)]
pub fn risk_control_add(
    state: tauri::State<'_, AppState>,
    code: String,
    input: ControlInput,
) -> CmdResult<Risk> {
    state.with_now(|s, now| s.add_risk_control(&state.actor(), now, &code, &input))
}

#[tauri::command(async)]
pub fn risk_control_update(
    state: tauri::State<'_, AppState>,
    id: i64,
    input: ControlInput,
) -> CmdResult<Risk> {
    state.with_now(|s, now| s.update_risk_control(&state.actor(), now, id, &input))
}

#[tauri::command(async)]
pub fn risk_control_delete(state: tauri::State<'_, AppState>, id: i64) -> CmdResult<Risk> {
    state.with_now(|s, now| s.delete_risk_control(&state.actor(), now, id))
}

/// The risk map as `pdf` or `xlsx`: asks where to save it (or `MESA_EXPORT_DIR`), writes it and
/// opens it. Returns the path, or `null` when the user cancelled.
#[tauri::command(async)]
pub fn risk_map_export(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    format: String,
) -> CmdResult<Option<String>> {
    let now = SystemClock.now();
    let (bytes, name, filter, ext) = state.read(|s| {
        Ok(match format.as_str() {
            "pdf" => (
                s.risk_map_pdf(&state.actor(), now)?,
                "Mapa de riesgos.pdf",
                "PDF",
                "pdf",
            ),
            "xlsx" => (
                s.risk_map_xlsx(now)?,
                "Mapa de riesgos.xlsx",
                "Excel",
                "xlsx",
            ),
            other => {
                return Err(mesa_core::CoreError::validation(
                    "formato",
                    format!("«{other}» no es un formato del mapa de riesgos (pdf o xlsx)"),
                ))
            }
        })
    })?;
    let Some((path, open_it)) = save_target(&app, name, "Guardar mapa de riesgos", (filter, ext))?
    else {
        return Ok(None);
    };
    write_doc(&path, &bytes)?;
    open_if(&app, &path, open_it);
    Ok(Some(path.display().to_string()))
}
