//! Ajustes → Servidor (issue 17): which database this workstation uses, «Mover a un servidor
//! PostgreSQL» (preview, then the copy on a worker with `server-progress` events, then the
//! store reopened on the server), «Volver a la base local», and «Reintentar» when the server
//! was down at start. All logic is core's (`mesa_core::server`); the password goes to the OS
//! credential store (`mesa_mailnet::secrets`), never to a file or back to the window.

use mesa_core::server::{self, MovePreview, MoveProgress, MoveReport, ServerForm, ServerStatus};
use mesa_core::ApiError;
use tauri::{Emitter, Manager};

use crate::mail_worker::MailWorker;
use crate::state::internal;
use crate::{api, AppState, CmdResult, Phase};

type State<'a> = tauri::State<'a, AppState>;

/// The engine in use (SQLite file, or the server with its version and schema), like
/// `mesa server status`. Everyone may read it; a server that does not answer is a status.
#[tauri::command(async)]
pub fn server_status(state: State<'_>) -> CmdResult<ServerStatus> {
    let dir = state.data_dir();
    crate::state::blocking(|| {
        server::status(&dir, |key| mesa_mailnet::secrets::get_secret(key).ok())
    })
    .map_err(api)
}

/// Why the database could not be opened when the workstation uses a server (down, wrong
/// password…): the window shows it with «Reintentar» instead of the app. `None` otherwise.
#[tauri::command(async)]
pub fn server_unreachable(state: State<'_>) -> CmdResult<Option<ApiError>> {
    state.wait_for(Phase::Checked);
    let on_server = mesa_core::db::pg::workstation::read(&state.data_dir())
        .map_err(api)?
        .is_some();
    Ok(state.open_error().filter(|_| on_server))
}

/// «Reintentar»: opens the workstation's database again.
#[tauri::command(async)]
pub fn server_retry(app: tauri::AppHandle, state: State<'_>) -> CmdResult<()> {
    state.reopen()?;
    app.state::<MailWorker>().forget_store();
    Ok(())
}

/// «Vista previa»: what would be copied and whether the server is ready. Nothing is copied.
#[tauri::command(async)]
pub fn server_preview(state: State<'_>, form: ServerForm) -> CmdResult<MovePreview> {
    let dir = state.data_dir();
    state.with(|s| s.server_preview(&dir, &form.url()))
}

/// «Mover los datos»: copies on a worker (the writer is held, so nothing is written to the
/// SQLite file meanwhile), emitting `server-progress`; then the password goes to the credential
/// store, the workstation is switched and the store is reopened on the server (the session
/// ends: accounts are the server's from now on).
#[tauri::command]
pub async fn server_move(app: tauri::AppHandle, form: ServerForm) -> CmdResult<MoveReport> {
    let worker = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        state.wait_for(Phase::Checked);
        let dir = state.data_dir();
        let actor = state.actor();
        let mut guard = state.store.lock().map_err(|_| internal())?;
        let store = guard.as_mut().map_err(|e| e.clone())?;
        let emitter = worker.clone();
        let mut progress = move |p: MoveProgress| {
            let _ = emitter.emit("server-progress", p);
        };
        let now = store.clock_now().map_err(api)?;
        // A bug in the copy answers the window in Spanish and leaves the writer's lock usable
        // (the copy's transaction on the server was rolled back as it unwound).
        let report = crate::state::caught(|| {
            store.server_move(
                &dir,
                &form.url(),
                &actor,
                now,
                |key, password| {
                    mesa_mailnet::secrets::set_secret(key, password).map_err(|e| e.to_string())
                },
                &mut progress,
            )
        })?;
        state.reopen_locked(&mut guard)?;
        drop(guard);
        worker.state::<MailWorker>().forget_store();
        Ok(report)
    })
    .await
    .map_err(|e| ApiError {
        code: "internal".into(),
        message: format!("Error interno al mover los datos: {e}"),
    })?
}

/// «Volver a la base local»: the workstation uses its SQLite file again (the server's data
/// stay there; what was registered on the server is not in the local copy). Administrator only.
#[tauri::command(async)]
pub fn server_use_local(app: tauri::AppHandle, state: State<'_>) -> CmdResult<ServerStatus> {
    let dir = state.data_dir();
    // All of it off the async workers: the server's writer and readers are dropped here.
    crate::state::blocking(|| {
        state.wait_for(Phase::Checked);
        let mut guard = state.store.lock().map_err(|_| internal())?;
        match guard.as_ref() {
            Ok(s) => s.server_use_local(&dir).map_err(api)?,
            // The server is down: nobody can log in to prove who asks, so only the
            // administrator of the local file may do it (see README «Varios equipos»): refused.
            Err(e) => return Err(e.clone()),
        };
        state.reopen_locked(&mut guard)?;
        drop(guard);
        app.state::<MailWorker>().forget_store();
        Ok(())
    })?;
    server_status(state)
}
