//! Ajustes: general settings, business calendar, catalogs. Thin wrappers over `mesa_core`.

use mesa_core::settings::catalogs::{AppSettings, HolidayDto, LevelTarget, PriorityCell};
use mesa_core::settings::CalendarConfig;
use mesa_core::{ServiceType, StaffMember};

use crate::{AppState, CmdResult};

#[tauri::command(async)]
pub fn settings_get(state: tauri::State<'_, AppState>) -> CmdResult<AppSettings> {
    state.read(|s| s.app_settings())
}

#[tauri::command(async)]
pub fn settings_set(
    state: tauri::State<'_, AppState>,
    settings: AppSettings,
) -> CmdResult<AppSettings> {
    state.with(|s| s.set_app_settings(&settings))
}

#[tauri::command(async)]
pub fn calendar_get(state: tauri::State<'_, AppState>) -> CmdResult<CalendarConfig> {
    state.read(|s| s.calendar_config())
}

/// Saves the calendar and recomputes every deadline; returns how many cases were recomputed.
#[tauri::command(async)]
pub fn calendar_set(state: tauri::State<'_, AppState>, config: CalendarConfig) -> CmdResult<usize> {
    state.with(|s| s.set_calendar(&config))
}

#[tauri::command(async)]
pub fn holidays(year: i32) -> CmdResult<Vec<HolidayDto>> {
    Ok(mesa_core::settings::catalogs::holidays(year))
}

#[tauri::command(async)]
pub fn staff_upsert(state: tauri::State<'_, AppState>, member: StaffMember) -> CmdResult<()> {
    state.with(|s| s.upsert_staff(&member.name, &member.role, member.level))
}

#[tauri::command(async)]
pub fn service_type_upsert(
    state: tauri::State<'_, AppState>,
    service_type: ServiceType,
) -> CmdResult<()> {
    state.with(|s| s.upsert_service_type(&service_type))
}

#[tauri::command(async)]
pub fn department_add(state: tauri::State<'_, AppState>, name: String) -> CmdResult<String> {
    state.with(|s| s.add_department(&name))
}

#[tauri::command(async)]
pub fn department_set_active(
    state: tauri::State<'_, AppState>,
    name: String,
    active: bool,
) -> CmdResult<()> {
    state.with(|s| s.set_department_active(&name, active))
}

#[tauri::command(async)]
pub fn priority_matrix(state: tauri::State<'_, AppState>) -> CmdResult<Vec<PriorityCell>> {
    state.read(|s| s.priority_matrix())
}

#[tauri::command(async)]
pub fn priority_set(state: tauri::State<'_, AppState>, cell: PriorityCell) -> CmdResult<()> {
    state.with(|s| s.set_priority(&cell))
}

#[tauri::command(async)]
pub fn survey_questions_set(
    state: tauri::State<'_, AppState>,
    questions: Vec<String>,
) -> CmdResult<()> {
    state.with(|s| s.set_survey_questions(&questions))
}

#[tauri::command(async)]
pub fn level_targets_get(state: tauri::State<'_, AppState>) -> CmdResult<Vec<LevelTarget>> {
    state.read(|s| s.level_targets())
}

#[tauri::command(async)]
pub fn level_target_set(state: tauri::State<'_, AppState>, target: LevelTarget) -> CmdResult<()> {
    state.with(|s| s.set_level_target(&target))
}

#[tauri::command(async)]
pub fn level_target_remove(
    state: tauri::State<'_, AppState>,
    service_type: Option<String>,
    level: i64,
) -> CmdResult<()> {
    state.with(|s| s.remove_level_target(service_type.as_deref(), level))
}

/// Sets the entity's logo from a PNG file path, or removes it (`path` empty or null).
#[tauri::command(async)]
pub fn logo_set(state: tauri::State<'_, AppState>, path: Option<String>) -> CmdResult<()> {
    let path = path.filter(|p| !p.trim().is_empty());
    state.with(|s| match path {
        None => s.set_entity_logo(None),
        Some(p) => {
            let bytes = std::fs::read(p.trim()).map_err(|source| mesa_core::CoreError::Io {
                path: p.clone(),
                source,
            })?;
            s.set_entity_logo(Some(&bytes))
        }
    })
}

#[tauri::command(async)]
pub fn logo_present(state: tauri::State<'_, AppState>) -> CmdResult<bool> {
    state.read_open(|s| s.entity_logo().map(|l| l.is_some()))
}

/// Chooses the entity's logo in the native open dialog (`MESA_PICK_FILE` in tests) and saves it;
/// the core checks the image. `false` when the dialog was cancelled (nothing changes).
#[tauri::command(async)]
pub fn logo_pick(app: tauri::AppHandle, state: tauri::State<'_, AppState>) -> CmdResult<bool> {
    let filters: &[(&str, &[&str])] = &[("Imagen PNG", &["png"])];
    let Some(path) = crate::files::pick_file(&app, "Elegir el logo de la entidad", filters) else {
        return Ok(false);
    };
    state.with(|s| {
        let bytes = std::fs::read(&path).map_err(|source| mesa_core::CoreError::Io {
            path: path.display().to_string(),
            source,
        })?;
        s.set_entity_logo(Some(&bytes))
    })?;
    Ok(true)
}

/// The entity's logo as a `data:image/png;base64,…` URL for the preview in Ajustes (`null`: none).
#[tauri::command(async)]
pub fn logo_image(state: tauri::State<'_, AppState>) -> CmdResult<Option<String>> {
    state.read_open(|s| s.entity_logo_data_url())
}
