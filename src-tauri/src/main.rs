//! Mesa de Ayuda TI — desktop shell. Only wiring: thin commands that convert DTOs and call
//! `mesa_core`. No SQL here and none in the UI.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::Mutex;
use std::time::Duration;

use mesa_core::{
    paths, ApiError, AppInfo, Catalogs, Clock, CoreError, Dashboard, NewTicket, Store, SystemClock,
    Ticket, TicketAction, TicketDetail, TicketPage, TicketQuery,
};
use tauri::Manager;

mod assets;
mod files;
mod import_cmds;
mod report_cmds;
mod safety_cmds;
mod settings_cmds;
mod setup_cmds;

/// The store, or why it could not be opened (shown to the user by every command).
struct AppState {
    store: Mutex<Result<Store, ApiError>>,
    info: AppInfo,
    actor: String,
    /// Set by `import_cancel` to stop the running import.
    import_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

type CmdResult<T> = Result<T, ApiError>;

fn api(e: CoreError) -> ApiError {
    ApiError::from(&e)
}

impl AppState {
    fn with<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, CoreError>) -> CmdResult<T> {
        let mut guard = self.store.lock().map_err(|_| ApiError {
            code: "internal".into(),
            message: "Error interno: el almacén quedó bloqueado; reinicie la aplicación.".into(),
        })?;
        match guard.as_mut() {
            Ok(store) => f(store).map_err(api),
            Err(e) => Err(e.clone()),
        }
    }
}

#[tauri::command(async)]
fn app_info(state: tauri::State<'_, AppState>) -> CmdResult<AppInfo> {
    Ok(state.info.clone())
}

#[tauri::command(async)]
fn ticket_create(state: tauri::State<'_, AppState>, input: NewTicket) -> CmdResult<Ticket> {
    state.with(|s| s.create_ticket(&input, &state.actor, SystemClock.now()))
}

#[tauri::command(async)]
fn ticket_list(state: tauri::State<'_, AppState>, query: TicketQuery) -> CmdResult<TicketPage> {
    state.with(|s| s.list_tickets(&query, SystemClock.now()))
}

#[tauri::command(async)]
fn ticket_get(state: tauri::State<'_, AppState>, number: String) -> CmdResult<TicketDetail> {
    state.with(|s| s.get_ticket(&number, SystemClock.now()))
}

#[tauri::command(async)]
fn ticket_action(
    state: tauri::State<'_, AppState>,
    number: String,
    action: TicketAction,
) -> CmdResult<Ticket> {
    state.with(|s| s.apply_action(&number, &action, &state.actor, SystemClock.now()))
}

#[tauri::command(async)]
fn dashboard(state: tauri::State<'_, AppState>) -> CmdResult<Dashboard> {
    state.with(|s| s.dashboard(SystemClock.now()))
}

#[tauri::command(async)]
fn catalogs(state: tauri::State<'_, AppState>) -> CmdResult<Catalogs> {
    state.with(|s| s.catalogs())
}

#[tauri::command(async)]
fn survey_mailto(state: tauri::State<'_, AppState>, number: String) -> CmdResult<String> {
    state.with(|s| s.survey_mailto(&number))
}

#[tauri::command(async)]
fn autoclose(state: tauri::State<'_, AppState>) -> CmdResult<usize> {
    state.with(|s| s.autoclose(SystemClock.now()).map(|v| v.len()))
}

fn open_state() -> AppState {
    let dir = paths::data_dir(None);
    let (store, info) = match dir {
        Ok(dir) => {
            let db = paths::db_path(&dir);
            let info = AppInfo {
                version: mesa_core::VERSION.to_string(),
                data_dir: dir.display().to_string(),
                db_path: db.display().to_string(),
            };
            (
                safety_cmds::open_checked(&db, &safety_cmds::default_actor()),
                info,
            )
        }
        Err(e) => (
            Err(api(e)),
            AppInfo {
                version: mesa_core::VERSION.to_string(),
                data_dir: String::new(),
                db_path: String::new(),
            },
        ),
    };
    let actor = std::env::var("MESA_USER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "Técnico de sistemas".to_string());
    AppState {
        store: Mutex::new(store),
        info,
        actor,
        import_cancel: Default::default(),
    }
}

fn main() {
    tauri::Builder::default()
        // Must be first: a second launch focuses the running window instead.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(open_state())
        .setup(|app| {
            let handle = app.handle().clone();
            if let Some(w) = app.get_webview_window("main") {
                let info = &app.state::<AppState>().info;
                let _ = w.set_title(&format!("Mesa de Ayuda TI — {}", info.data_dir));
            }
            // Once a day at first use: a verified daily backup (worker thread).
            let daily = app.handle().clone();
            std::thread::spawn(move || {
                let state = daily.state::<AppState>();
                let _ = state.with(|s| s.ensure_daily_backup(SystemClock.now()));
            });
            // Survey auto-close sweep: at start, then every five minutes.
            std::thread::spawn(move || loop {
                let state = handle.state::<AppState>();
                let _ = state.with(|s| s.autoclose(SystemClock.now()));
                std::thread::sleep(Duration::from_secs(300));
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            app_info,
            ticket_create,
            ticket_list,
            ticket_get,
            ticket_action,
            dashboard,
            catalogs,
            survey_mailto,
            autoclose,
            safety_cmds::safety_status,
            safety_cmds::backup_list,
            safety_cmds::backup_create,
            safety_cmds::backup_verify,
            safety_cmds::backup_restore,
            safety_cmds::restore_latest_backup,
            safety_cmds::audit_list,
            safety_cmds::audit_history,
            safety_cmds::audit_export,
            safety_cmds::person_search,
            safety_cmds::person_export,
            safety_cmds::person_anonymize,
            settings_cmds::settings_get,
            settings_cmds::settings_set,
            settings_cmds::calendar_get,
            settings_cmds::calendar_set,
            settings_cmds::holidays,
            settings_cmds::staff_upsert,
            settings_cmds::service_type_upsert,
            settings_cmds::department_add,
            settings_cmds::department_set_active,
            settings_cmds::priority_matrix,
            settings_cmds::priority_set,
            settings_cmds::survey_questions_set,
            settings_cmds::level_targets_get,
            settings_cmds::level_target_set,
            settings_cmds::level_target_remove,
            settings_cmds::logo_set,
            settings_cmds::logo_present,
            assets::asset_list,
            assets::asset_record,
            assets::asset_create,
            assets::asset_update,
            assets::asset_move,
            assets::asset_event,
            assets::asset_attach,
            assets::asset_detach,
            assets::decommission_create,
            assets::decommission_approve,
            assets::plan_years,
            assets::plan_create,
            assets::plan_item_add,
            assets::cronograma,
            assets::log_create,
            assets::log_list,
            assets::log_verify,
            assets::maintenance_due,
            assets::export_document,
            report_cmds::report_preview,
            report_cmds::report_save,
            report_cmds::report_export,
            report_cmds::cases_export,
            import_cmds::import_pick_file,
            import_cmds::import_preview,
            import_cmds::import_commit,
            import_cmds::import_cancel,
            import_cmds::import_batches,
            import_cmds::import_undo,
            import_cmds::import_export_problems,
            import_cmds::import_mapping_save,
            import_cmds::import_mapping_load,
            setup_cmds::setup_status,
            setup_cmds::setup_complete,
            setup_cmds::staff_rename,
            setup_cmds::demo_load,
            setup_cmds::demo_clear,
        ])
        .run(tauri::generate_context!())
        .expect("no se pudo iniciar Mesa de Ayuda TI");
}
