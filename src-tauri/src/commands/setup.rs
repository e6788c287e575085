//! First run: the setup wizard's status and completion, and the demo data (load / remove).
//! Thin wrappers over `mesa_core::settings::setup`; the demo generation runs on a worker thread.

use mesa_core::settings::setup::{DemoClearReport, SetupStatus, DEMO_CASES};
use mesa_core::ApiError;
use tauri::Manager;

use crate::{AppState, CmdResult};

#[tauri::command(async)]
pub fn setup_status(state: tauri::State<'_, AppState>) -> CmdResult<SetupStatus> {
    state.read_open(|s| s.setup_status())
}

/// Marks the first-run setup as done (also «Omitir»).
#[tauri::command(async)]
pub fn setup_complete(state: tauri::State<'_, AppState>) -> CmdResult<SetupStatus> {
    state.with_now(|s, now| s.complete_setup(&state.actor(), now))
}

/// Renames a staff member (wizard step «Personal»).
#[tauri::command(async)]
pub fn staff_rename(state: tauri::State<'_, AppState>, old: String, new: String) -> CmdResult<()> {
    state.with_now(|s, now| s.rename_staff(&old, &new, &state.actor(), now))
}

fn worker_error(e: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: "internal".into(),
        message: format!("Error interno al preparar los datos de demostración: {e}"),
    }
}

/// Loads the demo cases into a database without cases (worker thread); returns the status.
#[tauri::command]
pub async fn demo_load(app: tauri::AppHandle) -> CmdResult<SetupStatus> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        state.with_now(|s, now| {
            s.load_demo(DEMO_CASES, &state.actor(), now)?;
            s.setup_status()
        })
    })
    .await
    .map_err(worker_error)?
}

/// Removes the demo cases after a verified backup (worker thread).
#[tauri::command]
pub async fn demo_clear(app: tauri::AppHandle) -> CmdResult<DemoClearReport> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        state.with_now(|s, now| s.clear_demo(&state.actor(), now))
    })
    .await
    .map_err(worker_error)?
}
