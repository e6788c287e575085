//! Commands of «Equipos» and «Mantenimiento»: thin wrappers over `mesa_core` (DTO in → core →
//! DTO out), plus saving documents to a path chosen in the native save dialog and opening them.

use mesa_core::assets::{
    Asset, AssetMove, AssetQuery, AssetRecord, DecommissionConcept, NewAsset, NewAssetEvent,
    NewDecommissionConcept, NewPeripheral,
};
use mesa_core::maintenance::{
    Cronograma, LogQuery, MaintenanceDue, MaintenanceLog, NewLog, NewPlanItem, Plan, PlanItem,
};
use mesa_core::{Clock, SystemClock};

use crate::files::{open_if, save_target, write_doc};
use crate::{AppState, CmdResult};

type State<'a> = tauri::State<'a, AppState>;

#[tauri::command(async)]
pub fn asset_list(state: State<'_>, query: AssetQuery) -> CmdResult<Vec<Asset>> {
    state.read(|s| s.list_assets(&query))
}

#[tauri::command(async)]
pub fn asset_record(state: State<'_>, tag: String) -> CmdResult<AssetRecord> {
    state.read(|s| s.asset_record(&tag))
}

#[tauri::command(async)]
pub fn asset_create(state: State<'_>, input: NewAsset) -> CmdResult<Asset> {
    state.with_now(|s, now| s.create_asset(&input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn asset_update(state: State<'_>, tag: String, input: NewAsset) -> CmdResult<Asset> {
    state.with_now(|s, now| s.update_asset(&tag, &input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn asset_move(state: State<'_>, tag: String, input: AssetMove) -> CmdResult<Asset> {
    state.with_now(|s, now| s.move_asset(&tag, &input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn asset_event(state: State<'_>, tag: String, input: NewAssetEvent) -> CmdResult<Asset> {
    state.with_now(|s, now| s.add_asset_event(&tag, &input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn asset_attach(state: State<'_>, tag: String, input: NewPeripheral) -> CmdResult<AssetRecord> {
    state.with_now(|s, now| s.attach_peripheral(&tag, &input, &state.actor(), now))
}

/// Removes a peripheral from the equipment, with the reason (kept in the life record).
#[tauri::command(async)]
pub fn asset_detach(
    state: State<'_>,
    tag: String,
    peripheral_id: i64,
    reason: String,
) -> CmdResult<AssetRecord> {
    state.with_now(|s, now| s.detach_peripheral(&tag, peripheral_id, &reason, &state.actor(), now))
}

#[tauri::command(async)]
pub fn decommission_create(
    state: State<'_>,
    tag: String,
    input: NewDecommissionConcept,
) -> CmdResult<DecommissionConcept> {
    state.with_now(|s, now| s.create_decommission_concept(&tag, &input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn decommission_approve(
    state: State<'_>,
    number: String,
    engineer: Option<String>,
    approver: String,
    justification: Option<String>,
) -> CmdResult<DecommissionConcept> {
    state.with_now(|s, now| {
        s.approve_decommission(
            &number,
            engineer.as_deref(),
            &approver,
            justification.as_deref(),
            &state.actor(),
            now,
        )
    })
}

#[tauri::command(async)]
pub fn plan_years(state: State<'_>) -> CmdResult<Vec<i64>> {
    state.read(|s| s.plan_years())
}

#[tauri::command(async)]
pub fn plan_create(state: State<'_>, year: i64, name: Option<String>) -> CmdResult<Plan> {
    state.with_now(|s, now| s.create_plan(year, name.as_deref(), &state.actor(), now))
}

#[tauri::command(async)]
pub fn plan_item_add(state: State<'_>, year: i64, input: NewPlanItem) -> CmdResult<PlanItem> {
    state.with_now(|s, now| s.add_plan_item(year, &input, now))
}

#[tauri::command(async)]
pub fn cronograma(state: State<'_>, year: i64) -> CmdResult<Cronograma> {
    state.read(|s| s.cronograma(year, SystemClock.now()))
}

#[tauri::command(async)]
pub fn log_create(state: State<'_>, input: NewLog) -> CmdResult<MaintenanceLog> {
    state.with_now(|s, now| s.create_log(&input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn log_list(state: State<'_>, query: LogQuery) -> CmdResult<Vec<MaintenanceLog>> {
    state.read(|s| s.list_logs(&query))
}

#[tauri::command(async)]
pub fn log_verify(
    state: State<'_>,
    id: i64,
    engineer: String,
    note: Option<String>,
    justification: Option<String>,
) -> CmdResult<MaintenanceLog> {
    state.with_now(|s, now| {
        s.verify_log(
            id,
            &engineer,
            note.as_deref(),
            justification.as_deref(),
            now,
        )
    })
}

#[tauri::command(async)]
pub fn maintenance_due(state: State<'_>) -> CmdResult<MaintenanceDue> {
    state.read(|s| s.maintenance_due(SystemClock.now()))
}

/// Builds a document (`asset_sheet` with the placa, `decommission` with the concept number,
/// `inventory`, `cronograma_xlsx` / `cronograma_pdf` with the year), asks where to save it in
/// the native dialog, writes it and opens it with the system's viewer. Returns the path, or
/// `null` when the user cancelled. With `MESA_EXPORT_DIR` set (tests, scripted use) it writes
/// there under the suggested name, without dialog and without opening.
#[tauri::command(async)]
pub fn export_document(
    app: tauri::AppHandle,
    state: State<'_>,
    kind: String,
    key: String,
) -> CmdResult<Option<String>> {
    let now = SystemClock.now();
    let (bytes, name, filter, ext) = state.read(|s| {
        Ok(match kind.as_str() {
            "asset_sheet" => (
                s.asset_sheet_pdf(&key, &state.actor(), now)?,
                format!(
                    "Hoja de vida {}.pdf",
                    mesa_core::assets::tag_for_file_name(&s.get_asset(&key)?.tag)
                ),
                "PDF",
                "pdf",
            ),
            "decommission" => (
                s.decommission_pdf(&key, now)?,
                format!("Concepto técnico de baja {key}.pdf"),
                "PDF",
                "pdf",
            ),
            "inventory" => (
                s.inventory_xlsx(now)?,
                "Inventario de equipos.xlsx".to_string(),
                "Excel",
                "xlsx",
            ),
            "cronograma_xlsx" | "cronograma_pdf" => {
                let year: i64 = key.trim().parse().map_err(|_| {
                    mesa_core::CoreError::validation("vigencia", format!("«{key}» no es un año"))
                })?;
                if kind == "cronograma_xlsx" {
                    (
                        s.cronograma_xlsx(year, now)?,
                        format!("Cronograma de mantenimiento {year}.xlsx"),
                        "Excel",
                        "xlsx",
                    )
                } else {
                    (
                        s.cronograma_pdf(year, now)?,
                        format!("Cronograma de mantenimiento {year}.pdf"),
                        "PDF",
                        "pdf",
                    )
                }
            }
            other => {
                return Err(mesa_core::CoreError::validation(
                    "documento",
                    format!("«{other}» no es un documento conocido"),
                ))
            }
        })
    })?;
    let Some((path, open_it)) = save_target(&app, &name, "Guardar documento", (filter, ext))?
    else {
        return Ok(None);
    };
    write_doc(&path, &bytes)?;
    // Open the file the user chose with the system's default program (best effort).
    open_if(&app, &path, open_it);
    Ok(Some(path.display().to_string()))
}
