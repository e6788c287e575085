//! Mesa de Ayuda TI — desktop shell. Only wiring: thin commands that convert DTOs and call
//! `mesa_core`. No SQL here and none in the UI.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::{Condvar, Mutex, OnceLock, RwLock};
use std::time::Duration;

use mesa_core::{
    paths, ApiError, AppInfo, Catalogs, Clock, CoreError, Dashboard, NewTicket, ReadPool, Store,
    SystemClock, Ticket, TicketAction, TicketDetail, TicketPage, TicketQuery,
};
use tauri::Manager;

mod assets;
mod files;
mod import_cmds;
mod report_cmds;
mod safety_cmds;
mod settings_cmds;
mod setup_cmds;

/// Where start-up is. The window shows at once; the store opens (and migrates) on a worker, then
/// `PRAGMA quick_check` runs while the first screen is already reading.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Phase {
    /// Opening and migrating: every command waits.
    Opening,
    /// Open and up to date, integrity check running: reads go on, writes wait.
    Opened,
    /// Checked (or failed to open): everything goes on.
    Checked,
}

/// The one writer (or why the database could not be opened: shown by every command), the
/// readers (lists, details, dashboard, settings, exports: they never wait behind the writer),
/// and the start-up gate.
struct AppState {
    store: Mutex<Result<Store, ApiError>>,
    readers: OnceLock<ReadPool>,
    /// Why the database is unusable (damaged, or it did not open): reads answer with it too.
    open_error: RwLock<Option<ApiError>>,
    phase: Mutex<Phase>,
    phase_changed: Condvar,
    info: AppInfo,
    actor: String,
    /// Set by `import_cancel` to stop the running import.
    import_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

type CmdResult<T> = Result<T, ApiError>;

fn api(e: CoreError) -> ApiError {
    ApiError::from(&e)
}

fn internal() -> ApiError {
    ApiError {
        code: "internal".into(),
        message: "Error interno: el almacén quedó bloqueado; reinicie la aplicación.".into(),
    }
}

impl AppState {
    fn wait_for(&self, at_least: Phase) {
        let mut p = self.phase.lock().unwrap_or_else(|e| e.into_inner());
        while *p < at_least {
            p = self
                .phase_changed
                .wait(p)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    fn set_phase(&self, to: Phase) {
        *self.phase.lock().unwrap_or_else(|e| e.into_inner()) = to;
        self.phase_changed.notify_all();
    }

    fn open_error(&self) -> Option<ApiError> {
        self.open_error
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_open_error(&self, e: Option<ApiError>) {
        *self.open_error.write().unwrap_or_else(|e| e.into_inner()) = e;
    }

    /// Start-up, on a worker while the window loads: open and migrate; readers from then on;
    /// then the integrity check, and only after it the writer is handed out.
    fn start(&self) {
        let db = std::path::PathBuf::from(&self.info.db_path);
        if self.info.db_path.is_empty() {
            self.set_phase(Phase::Checked);
            return;
        }
        match safety_cmds::open_store(&db, &self.actor) {
            Ok(store) => {
                let _ = self.readers.set(ReadPool::new(&db));
                self.set_phase(Phase::Opened);
                let checked = store.health_check().map(|()| store).map_err(api);
                self.set_open_error(checked.as_ref().err().cloned());
                *self.store.lock().unwrap_or_else(|e| e.into_inner()) = checked;
            }
            Err(e) => {
                self.set_open_error(Some(e.clone()));
                *self.store.lock().unwrap_or_else(|e| e.into_inner()) = Err(e);
            }
        }
        self.set_phase(Phase::Checked);
    }

    /// A read on one of the readers: waits only for the database to be open.
    fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T, CoreError>) -> CmdResult<T> {
        self.wait_for(Phase::Opened);
        if let Some(e) = self.open_error() {
            return Err(e);
        }
        match self.readers.get() {
            Some(pool) => pool.read(f).map_err(api),
            None => self.with(|s| f(s)),
        }
    }

    /// A write (or a job that needs the writer): waits for the start-up check.
    fn with<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, CoreError>) -> CmdResult<T> {
        self.wait_for(Phase::Checked);
        let mut guard = self.store.lock().map_err(|_| internal())?;
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
    state.read(|s| s.list_tickets(&query, SystemClock.now()))
}

#[tauri::command(async)]
fn ticket_get(state: tauri::State<'_, AppState>, number: String) -> CmdResult<TicketDetail> {
    state.read(|s| s.get_ticket(&number, SystemClock.now()))
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
    state.read(|s| s.dashboard(SystemClock.now()))
}

#[tauri::command(async)]
fn catalogs(state: tauri::State<'_, AppState>) -> CmdResult<Catalogs> {
    state.read(|s| s.catalogs())
}

#[tauri::command(async)]
fn survey_mailto(state: tauri::State<'_, AppState>, number: String) -> CmdResult<String> {
    state.read(|s| s.survey_mailto(&number))
}

#[tauri::command(async)]
fn autoclose(state: tauri::State<'_, AppState>) -> CmdResult<usize> {
    state.with(|s| s.autoclose(SystemClock.now()).map(|v| v.len()))
}

/// The state before anything is opened (that happens in [`AppState::start`], on a worker).
fn initial_state() -> AppState {
    let (info, error) = match paths::data_dir(None) {
        Ok(dir) => (
            AppInfo {
                version: mesa_core::VERSION.to_string(),
                data_dir: dir.display().to_string(),
                db_path: paths::db_path(&dir).display().to_string(),
            },
            None,
        ),
        Err(e) => (
            AppInfo {
                version: mesa_core::VERSION.to_string(),
                data_dir: String::new(),
                db_path: String::new(),
            },
            Some(api(e)),
        ),
    };
    AppState {
        store: Mutex::new(Err(error.clone().unwrap_or_else(internal))),
        readers: OnceLock::new(),
        open_error: RwLock::new(error),
        phase: Mutex::new(Phase::Opening),
        phase_changed: Condvar::new(),
        info,
        actor: safety_cmds::default_actor(),
        import_cancel: Default::default(),
    }
}

/// Long jobs wait until the window is up and the first screen has read its data.
const JOBS_AFTER_START: Duration = Duration::from_secs(20);

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
        .manage(initial_state())
        .setup(|app| {
            let handle = app.handle().clone();
            if let Some(w) = app.get_webview_window("main") {
                let info = &app.state::<AppState>().info;
                let _ = w.set_title(&format!("Mesa de Ayuda TI — {}", info.data_dir));
            }
            // Open the store while the window loads; then, once the first screen has had its
            // data, the long jobs: the daily verified backup, and the survey auto-close sweep
            // every five minutes (the window also sweeps once at start, with a notice).
            std::thread::spawn(move || {
                let state = handle.state::<AppState>();
                state.start();
                std::thread::sleep(JOBS_AFTER_START);
                let _ = state.with(|s| s.ensure_daily_backup(SystemClock.now()));
                loop {
                    let _ = state.with(|s| s.autoclose(SystemClock.now()));
                    std::thread::sleep(Duration::from_secs(300));
                }
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
