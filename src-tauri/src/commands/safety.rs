//! Data safety commands: backups, restore (also of a damaged database), the audit trail, and
//! personal data (Ley 1581: search, export and anonymise a person).

use std::path::{Path, PathBuf};

use mesa_core::safety::audit::{AuditEntry, AuditQuery};
use mesa_core::safety::backup::{self, BackupInfo, BackupKind, RestoreReport, SafetyStatus};
use mesa_core::safety::privacy::{AnonymizeReport, PersonMatch};
use mesa_core::{ApiError, Clock, CoreError, Store, SystemClock};

use crate::{api, AppState, CmdResult, Phase};

fn db_path(state: &AppState) -> PathBuf {
    PathBuf::from(&state.info.db_path)
}

/// Who acts in the app (MESA_USER, else «Técnico de sistemas»).
pub fn default_actor() -> String {
    mesa_core::settings::actor_from_env()
}

/// Opens (and migrates) the store, acting as `actor`; a database that cannot be opened because
/// it is damaged becomes `database_damaged` (the UI offers the latest good backup). The
/// integrity check is the caller's next step ([`open_checked`], or in the background at start).
pub fn open_store(db: &Path, actor: &str) -> Result<Store, ApiError> {
    match Store::open(db) {
        Ok(s) => {
            s.set_session(actor, None);
            Ok(s)
        }
        Err(e) if backup::is_damage(&e) => Err(api(CoreError::DatabaseDamaged {
            path: db.display().to_string(),
            detail: e.to_string(),
        })),
        Err(e) => Err(api(e)),
    }
}

/// Opens the workstation's database: the PostgreSQL server of its `servidor.json` (password
/// from the OS credential store), else its SQLite file as [`open_store`] does.
pub fn open_workstation(data_dir: &Path, actor: &str) -> Result<Store, ApiError> {
    let db = mesa_core::paths::db_path(data_dir);
    match mesa_core::db::pg::workstation::read(data_dir).map_err(api)? {
        None => open_store(&db, actor),
        Some(_) => {
            let s =
                Store::open_workstation(data_dir, |ws| {
                    match mesa_mailnet::secrets::get_secret(&ws.credential_key()) {
                        Ok(p) => Ok(Some(p)),
                        Err(mesa_mailnet::MailNetError::SecretMissing { .. }) => Ok(None),
                        Err(e) => Err(CoreError::Server {
                            detail: format!("almacén de credenciales del sistema: {e}"),
                        }),
                    }
                })
                .map_err(api)?;
            s.set_session(actor, None);
            Ok(s)
        }
    }
}

/// [`open_store`], then `PRAGMA quick_check` (a failure is `database_damaged`).
pub fn open_checked(db: &Path, actor: &str) -> Result<Store, ApiError> {
    let s = open_store(db, actor)?;
    s.health_check().map_err(api)?;
    Ok(s)
}

#[tauri::command(async)]
pub fn safety_status(state: tauri::State<'_, AppState>) -> CmdResult<SafetyStatus> {
    let db = db_path(&state);
    let dir = backup::default_dir(&db);
    // Known once the start-up integrity check is done (without waiting for the writer).
    state.wait_for(Phase::Checked);
    let damaged = match state.open_error() {
        Some(e) if e.code == "database_damaged" => Some(e.message),
        _ => None,
    };
    let list = backup::list(&dir).map_err(api)?;
    let latest_good_backup = if damaged.is_some() {
        backup::latest_good(&dir).map_err(api)?
    } else {
        None
    };
    Ok(SafetyStatus {
        damaged,
        latest_good_backup,
        last_backup_at: list.first().map(|b| b.created_at.clone()),
        backups_dir: dir.display().to_string(),
    })
}

#[tauri::command(async)]
pub fn backup_list(state: tauri::State<'_, AppState>) -> CmdResult<Vec<BackupInfo>> {
    backup::list(&backup::default_dir(&db_path(&state))).map_err(api)
}

#[tauri::command(async)]
pub fn backup_create(
    state: tauri::State<'_, AppState>,
    to: Option<String>,
) -> CmdResult<BackupInfo> {
    let to = to.filter(|s| !s.trim().is_empty()).map(PathBuf::from);
    state.with_now(|s, now| s.backup_now(BackupKind::Manual, to.as_deref(), now))
}

#[tauri::command(async)]
pub fn backup_verify(file: String) -> CmdResult<BackupInfo> {
    backup::verify(Path::new(file.trim())).map_err(api)
}

#[tauri::command(async)]
pub fn backup_restore(state: tauri::State<'_, AppState>, file: String) -> CmdResult<RestoreReport> {
    state.with_now(|s, now| s.restore_backup(Path::new(file.trim()), now))
}

/// Restores the newest backup that passes verification. When the database is damaged (the
/// store could not be opened) the damaged files are moved aside and the store reopened.
#[tauri::command(async)]
pub fn restore_latest_backup(state: tauri::State<'_, AppState>) -> CmdResult<RestoreReport> {
    let db = db_path(&state);
    let dir = backup::default_dir(&db);
    let latest = backup::latest_good(&dir)
        .map_err(api)?
        .ok_or_else(|| api(CoreError::NoBackup(dir.display().to_string())))?;
    // Off the async workers: on a server the restore queries it and may drop its clients.
    crate::state::blocking(|| {
        state.wait_for(Phase::Checked);
        let mut guard = state.store.lock().map_err(|_| crate::state::internal())?;
        match guard.as_mut() {
            Ok(store) => {
                let now = store.clock_now().map_err(api)?;
                store
                    .restore_backup(Path::new(&latest.path), now)
                    .map_err(api)
            }
            Err(_) => {
                let now = SystemClock.now();
                let r = backup::restore_file(&db, Path::new(&latest.path), now).map_err(api)?;
                *guard = open_checked(&db, &state.default_actor);
                state.set_principal(None);
                guard.as_ref().map_err(|e| e.clone())?;
                // The file was replaced: readers open the restored one from now on.
                if let Ok(store) = guard.as_ref() {
                    state.set_readers(Some(store.read_pool()));
                }
                state.set_open_error(None);
                Ok(r)
            }
        }
    })
}

#[tauri::command(async)]
pub fn audit_list(
    state: tauri::State<'_, AppState>,
    query: AuditQuery,
) -> CmdResult<Vec<AuditEntry>> {
    state.read(|s| s.audit_entries(&query))
}

#[tauri::command(async)]
pub fn audit_history(
    state: tauri::State<'_, AppState>,
    table: String,
    key: String,
) -> CmdResult<Vec<AuditEntry>> {
    state.read(|s| s.audit_history(&table, &key))
}

#[tauri::command(async)]
pub fn audit_export(
    state: tauri::State<'_, AppState>,
    query: AuditQuery,
    to: String,
) -> CmdResult<usize> {
    state.read(|s| s.audit_export(&query, Path::new(to.trim())))
}

/// Requesters whose name or e-mail contains `query` (at most 20, most cases first).
#[tauri::command(async)]
pub fn person_search(
    state: tauri::State<'_, AppState>,
    query: String,
) -> CmdResult<Vec<PersonMatch>> {
    state.read(|s| s.person_search(&query, 20))
}

/// A name usable as a file name on every OS (no separators or reserved characters).
fn file_stem(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    if s.is_empty() {
        "persona".into()
    } else {
        s
    }
}

/// Exports everything about one person (`format`: `json` or `xlsx`) to a file chosen in the
/// native save dialog (or into `MESA_EXPORT_DIR` when set: tests, scripted use). Returns the
/// path written, or `null` when the user cancelled. Nothing is written for an unknown person.
#[tauri::command(async)]
pub fn person_export(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    query: String,
    format: String,
) -> CmdResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let (ext, filter) = match format.as_str() {
        "json" => ("json", "JSON"),
        "xlsx" => ("xlsx", "Excel"),
        other => {
            return Err(api(CoreError::validation(
                "formato",
                format!("«{other}» no es un formato de exportación (use json o xlsx)"),
            )))
        }
    };
    let now = SystemClock.now();
    // Unknown person: say so before asking where to save.
    state.read(|s| s.person_export(&query, now).map(|_| ()))?;
    let name = format!("Datos personales {}.{ext}", file_stem(&query));
    let path = if let Some(dir) = std::env::var_os("MESA_EXPORT_DIR").filter(|d| !d.is_empty()) {
        PathBuf::from(dir).join(&name)
    } else {
        let chosen = app
            .dialog()
            .file()
            .set_title("Guardar datos personales")
            .set_file_name(&name)
            .add_filter(filter, &[ext])
            .blocking_save_file();
        let Some(chosen) = chosen else {
            return Ok(None);
        };
        let mut p = chosen.into_path().map_err(|e| ApiError {
            code: "io".into(),
            message: format!("Ruta no válida: {e}"),
        })?;
        if !p.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext)) {
            let mut s = p.into_os_string();
            s.push(format!(".{ext}"));
            p = PathBuf::from(s);
        }
        p
    };
    state.with(|s| s.person_export_to(&query, &path, now))?;
    Ok(Some(path.display().to_string()))
}

/// Anonymises a person on request (recorded in the audit trail without their data).
#[tauri::command(async)]
pub fn person_anonymize(
    state: tauri::State<'_, AppState>,
    query: String,
    delete_attachments: bool,
) -> CmdResult<AnonymizeReport> {
    state
        .with_now(|s, now| s.anonymize_person_with(&query, delete_attachments, &state.actor(), now))
}
