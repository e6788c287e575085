//! Commands of «Plan de mejoramiento» (Gestión): findings, actions, follow-ups (their evidence
//! goes through the attachment commands with the owner `plan_follow_up`), the closing
//! verification, the overdue / due-soon list of Inicio and the XLSX / PDF saved through
//! `files.rs` (save dialog, or `MESA_EXPORT_DIR`).

use mesa_core::pdf::PageSize;
use mesa_core::plans::{
    plan_catalog, ActionInput, Finding, FindingInput, FindingSummary, FollowUpInput, PlanAction,
    PlanCatalog, PlanDue, PlanFilter, PlanFollowUp, VerifyInput, DUE_DAYS,
};
use mesa_core::{ApiError, Clock, SystemClock};

use crate::files::{open_if, save_target, write_doc};
use crate::{AppState, CmdResult};

type State<'a> = tauri::State<'a, AppState>;

/// Sources and states with their labels (the UI keeps no copy).
#[tauri::command(async)]
pub fn improvement_catalog() -> CmdResult<PlanCatalog> {
    Ok(plan_catalog())
}

#[tauri::command(async)]
pub fn improvement_findings(
    state: State<'_>,
    filter: PlanFilter,
) -> CmdResult<Vec<FindingSummary>> {
    state.read(|s| s.plan_findings(&filter, SystemClock.now()))
}

#[tauri::command(async)]
pub fn improvement_finding(state: State<'_>, number: String) -> CmdResult<Finding> {
    state.read(|s| s.plan_finding(&number, SystemClock.now()))
}

#[tauri::command(async)]
pub fn improvement_finding_create(state: State<'_>, input: FindingInput) -> CmdResult<Finding> {
    state.with_now(|s, now| s.create_finding(&input, &state.actor(), now))
}

/// Corrects a finding (every change goes to the audit trail).
#[tauri::command(async)]
pub fn improvement_finding_update(
    state: State<'_>,
    number: String,
    input: FindingInput,
) -> CmdResult<Finding> {
    state.with_now(|s, now| s.update_finding(&number, &input, &state.actor(), now))
}

/// Deletes a finding whose actions have no follow-ups.
#[tauri::command(async)]
pub fn improvement_finding_delete(state: State<'_>, number: String) -> CmdResult<()> {
    state.with_now(|s, now| s.delete_finding(&number, &state.actor(), now))
}

#[tauri::command(async)]
pub fn improvement_action_add(
    state: State<'_>,
    number: String,
    input: ActionInput,
) -> CmdResult<PlanAction> {
    state.with_now(|s, now| s.add_plan_action(&number, &input, &state.actor(), now))
}

/// Corrects an action not yet verified.
#[tauri::command(async)]
pub fn improvement_action_update(
    state: State<'_>,
    action_id: i64,
    input: ActionInput,
) -> CmdResult<PlanAction> {
    state.with_now(|s, now| s.update_plan_action(action_id, &input, &state.actor(), now))
}

/// Deletes an action without follow-ups.
#[tauri::command(async)]
pub fn improvement_action_delete(state: State<'_>, action_id: i64) -> CmdResult<()> {
    state.with_now(|s, now| s.delete_plan_action(action_id, &state.actor(), now))
}

#[tauri::command(async)]
pub fn improvement_follow_up_add(
    state: State<'_>,
    action_id: i64,
    input: FollowUpInput,
) -> CmdResult<PlanFollowUp> {
    state.with_now(|s, now| s.add_plan_follow_up(action_id, &input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn improvement_action_verify(
    state: State<'_>,
    action_id: i64,
    input: VerifyInput,
) -> CmdResult<PlanAction> {
    state.with_now(|s, now| s.verify_plan_action(action_id, &input, &state.actor(), now))
}

/// Overdue actions and those due within `days` (default 15) days: the card of Inicio.
#[tauri::command(async)]
pub fn improvement_due(state: State<'_>, days: Option<i64>) -> CmdResult<PlanDue> {
    state.read(|s| s.plan_due(days.unwrap_or(DUE_DAYS), SystemClock.now()))
}

/// The improvement plan as `pdf` (Letter, or A4 with `a4`) or `xlsx`: asks where to save it,
/// writes it and opens it. Returns the path, or `null` when cancelled.
#[tauri::command(async)]
pub fn improvement_export(
    app: tauri::AppHandle,
    state: State<'_>,
    format: String,
    a4: Option<bool>,
) -> CmdResult<Option<String>> {
    let now = SystemClock.now();
    let name = format!(
        "Plan de mejoramiento {}",
        mesa_core::clock::to_local(now).format("%Y-%m-%d")
    );
    let (filter, ext) = match format.as_str() {
        "pdf" => ("PDF", "pdf"),
        "xlsx" => ("Excel", "xlsx"),
        other => {
            return Err(ApiError {
                code: "validation".into(),
                message: format!("«{other}» no es un formato del plan (pdf o xlsx)"),
            })
        }
    };
    let Some((path, open_it)) = save_target(
        &app,
        &format!("{name}.{ext}"),
        "Guardar documento",
        (filter, ext),
    )?
    else {
        return Ok(None);
    };
    if ext == "pdf" {
        let size = if a4 == Some(true) {
            PageSize::A4
        } else {
            PageSize::Letter
        };
        let bytes = state.read(|s| s.improvement_plan_pdf(size, &state.actor(), now))?;
        write_doc(&path, &bytes)?;
    } else {
        state.read(|s| s.improvement_plan_xlsx(&path, now))?;
    }
    open_if(&app, &path, open_it);
    Ok(Some(path.display().to_string()))
}
