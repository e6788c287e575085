//! Other workstations' changes without a restart (issue 17): when this workstation uses a
//! PostgreSQL server, a background thread keeps a `Listener` (core, `LISTEN mesa_cambios`) and
//! emits `datos-cambiados` ([`DataChanged`]) with what other PCs committed; the window reloads
//! the case list, the open case and the Bandeja (debounced there). On SQLite it only looks,
//! now and then, whether the workstation was switched to a server.

use std::time::Duration;

use mesa_core::db::pg::changes::Listener;
use mesa_core::db::pg::workstation::{self, WorkstationServer};
use mesa_core::server::{ChangedRow, DataChanged};
use tauri::{AppHandle, Emitter, Manager};

use crate::{AppState, Phase};

/// How long one wait for notices lasts before the workstation's config is looked at again.
const WAIT: Duration = Duration::from_secs(5);
/// Pause before reconnecting after the server went away.
const RECONNECT_AFTER: Duration = Duration::from_secs(5);

fn current(app: &AppHandle) -> Option<WorkstationServer> {
    workstation::read(&app.state::<AppState>().data_dir())
        .ok()
        .flatten()
}

pub(crate) fn run_forever(app: &AppHandle) {
    app.state::<AppState>().wait_for(Phase::Checked);
    let mut lost = false;
    loop {
        let Some(ws) = current(app) else {
            std::thread::sleep(WAIT);
            continue;
        };
        let password = mesa_mailnet::secrets::get_secret(&ws.credential_key()).ok();
        let mut listener = match Listener::connect(&ws.target(password)) {
            Ok(l) => l,
            Err(_) => {
                lost = true;
                std::thread::sleep(RECONNECT_AFTER);
                continue;
            }
        };
        if lost {
            // Changes committed while disconnected were not received: reload everything.
            let _ = app.emit(
                "datos-cambiados",
                DataChanged {
                    changes: Vec::new(),
                    reconnected: true,
                },
            );
            lost = false;
        }
        loop {
            match listener.wait(WAIT) {
                Ok(changes) if !changes.is_empty() => {
                    let _ = app.emit(
                        "datos-cambiados",
                        DataChanged {
                            changes: changes
                                .into_iter()
                                .map(|c| ChangedRow {
                                    table: c.table,
                                    id: c.id,
                                })
                                .collect(),
                            reconnected: false,
                        },
                    );
                }
                Ok(_) => {}
                Err(_) => {
                    lost = true;
                    std::thread::sleep(RECONNECT_AFTER);
                    break;
                }
            }
            // Switched to another server or back to the local file: listen there instead.
            if current(app).as_ref() != Some(&ws) {
                break;
            }
        }
    }
}
