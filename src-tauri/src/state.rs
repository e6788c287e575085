//! The app's state: the one writer, the readers and the start-up gate; how a command reaches
//! the store (`read` for reads, `with` for writes) and how errors cross the boundary.

use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use mesa_core::{paths, ApiError, AppInfo, CoreError, ReadPool, Store};

use crate::commands;

/// Where start-up is. The window shows at once; the store opens (and migrates) on a worker, then
/// `PRAGMA quick_check` runs while the first screen is already reading.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub(crate) enum Phase {
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
pub(crate) struct AppState {
    pub(crate) store: Mutex<Result<Store, ApiError>>,
    /// Readers on the same database as the writer (replaced when the store is reopened: a
    /// restore over a damaged file, a move to a server, back to the local file).
    pub(crate) readers: RwLock<Option<Arc<ReadPool>>>,
    /// Why the database is unusable (damaged, or it did not open): reads answer with it too.
    pub(crate) open_error: RwLock<Option<ApiError>>,
    pub(crate) phase: Mutex<Phase>,
    pub(crate) phase_changed: Condvar,
    pub(crate) info: AppInfo,
    /// The name actions carry while logins are off (MESA_USER, else «Técnico de sistemas»).
    pub(crate) default_actor: String,
    /// The logged-in account (issue 14); the writer's store holds the same one for its checks.
    pub(crate) session: RwLock<Option<mesa_core::people::Principal>>,
    /// Set by `import_cancel` to stop the running import.
    pub(crate) import_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

pub(crate) type CmdResult<T> = Result<T, ApiError>;

pub(crate) fn api(e: CoreError) -> ApiError {
    ApiError::from(&e)
}

/// Runs `f`, which may block (a query on a PostgreSQL server: the synchronous `postgres`
/// client drives its own runtime), from any thread: on one of Tauri's async workers the worker
/// is handed over first (`block_in_place`), elsewhere `f` just runs.
///
/// Everything that touches a store on PostgreSQL runs inside it, *dropping* one included: a
/// `postgres` client closes its connection on its own runtime when dropped, and doing that on
/// an async worker panics («Cannot start a runtime from within a runtime»). A command that
/// panics never answers the window (and a panic while the writer is locked poisons it): that
/// was «Volver a la base local», which dropped the server's readers and writer on a worker.
pub(crate) fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// Runs a command's work so that a bug (a panic) answers the window with a Spanish error
/// instead of never answering it: the work's transaction was rolled back as it unwound, and
/// the writer's lock is released normally (not poisoned), so the next command works.
pub(crate) fn caught<T>(f: impl FnOnce() -> Result<T, CoreError>) -> CmdResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(api),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "sin detalle".into());
            Err(ApiError {
                code: "internal".into(),
                message: format!(
                    "Error interno de la aplicación ({detail}): la operación no se completó y no \
                     quedó nada a medias. Repita la operación; si vuelve a pasar, informe este \
                     mensaje."
                ),
            })
        }
    }
}

pub(crate) fn internal() -> ApiError {
    ApiError {
        code: "internal".into(),
        message: "Error interno: el almacén quedó bloqueado; reinicie la aplicación.".into(),
    }
}

impl AppState {
    pub(crate) fn wait_for(&self, at_least: Phase) {
        let mut p = self.phase.lock().unwrap_or_else(|e| e.into_inner());
        while *p < at_least {
            p = self
                .phase_changed
                .wait(p)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    pub(crate) fn set_phase(&self, to: Phase) {
        *self.phase.lock().unwrap_or_else(|e| e.into_inner()) = to;
        self.phase_changed.notify_all();
    }

    pub(crate) fn open_error(&self) -> Option<ApiError> {
        self.open_error
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_open_error(&self, e: Option<ApiError>) {
        *self.open_error.write().unwrap_or_else(|e| e.into_inner()) = e;
    }

    /// Start-up, on a worker while the window loads: open and migrate; readers from then on;
    /// then the integrity check, and only after it the writer is handed out.
    pub(crate) fn start(&self) {
        if self.info.db_path.is_empty() {
            self.set_phase(Phase::Checked);
            return;
        }
        match commands::safety::open_workstation(&self.data_dir(), &self.default_actor) {
            Ok(store) => {
                self.set_readers(Some(store.read_pool()));
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

    /// The data folder (`servidor.json`, attachments, backups).
    pub(crate) fn data_dir(&self) -> std::path::PathBuf {
        std::path::PathBuf::from(&self.info.data_dir)
    }

    pub(crate) fn set_readers(&self, pool: Option<ReadPool>) {
        *self.readers.write().unwrap_or_else(|e| e.into_inner()) = pool.map(Arc::new);
    }

    fn readers(&self) -> Option<Arc<ReadPool>> {
        self.readers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Opens the workstation's database again (after a move to a server, back to the local
    /// file, or «Reintentar» when the server was down): the writer (held locked meanwhile, so
    /// no command writes to the old one), the readers, the check; the session ends (accounts
    /// are the database's). `guard` is the writer's lock the caller already holds.
    /// The old writer and readers (on a server: `postgres` clients) are dropped inside
    /// [`blocking`] like the opening.
    pub(crate) fn reopen_locked(&self, guard: &mut Result<Store, ApiError>) -> CmdResult<()> {
        blocking(|| {
            self.set_readers(None);
            self.set_principal(None);
            let opened = commands::safety::open_workstation(&self.data_dir(), &self.default_actor)
                .and_then(|s| s.health_check().map(|()| s).map_err(api));
            match opened {
                Ok(store) => {
                    self.set_readers(Some(store.read_pool()));
                    *guard = Ok(store);
                    self.set_open_error(None);
                    Ok(())
                }
                Err(e) => {
                    self.set_open_error(Some(e.clone()));
                    *guard = Err(e.clone());
                    Err(e)
                }
            }
        })
    }

    /// [`AppState::reopen_locked`], taking the writer's lock.
    pub(crate) fn reopen(&self) -> CmdResult<()> {
        blocking(|| {
            self.wait_for(Phase::Checked);
            let mut guard = self.store.lock().map_err(|_| internal())?;
            self.reopen_locked(&mut guard)
        })
    }

    /// Who acts: the logged-in account's name, else the default actor (logins off).
    pub(crate) fn actor(&self) -> String {
        self.session
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| self.default_actor.clone())
    }

    pub(crate) fn principal(&self) -> Option<mesa_core::people::Principal> {
        self.session
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_principal(&self, p: Option<mesa_core::people::Principal>) {
        *self.session.write().unwrap_or_else(|e| e.into_inner()) = p;
    }

    /// A read on one of the readers: waits only for the database to be open. With accounts,
    /// only inside a session (the login screen's own reads use [`AppState::read_open`]).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T, CoreError>) -> CmdResult<T> {
        let logged_in = self.principal().is_some();
        self.read_open(|s| {
            if !logged_in && s.accounts_enabled()? {
                return Err(CoreError::LoginRequired);
            }
            f(s)
        })
    }

    /// A read that needs no session (app info, the session itself, the login screen).
    pub(crate) fn read_open<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, CoreError>,
    ) -> CmdResult<T> {
        self.wait_for(Phase::Opened);
        if let Some(e) = self.open_error() {
            return Err(e);
        }
        match self.readers() {
            // The pool moves in: if a reopen replaced it meanwhile, it is dropped in there.
            Some(pool) => {
                blocking(move || caught(|| Ok(pool.read(f))))?.map_err(|e| self.read_error(e))
            }
            None => self.with(|s| f(s)),
        }
    }

    /// A read that failed on a damaged file (possible while the start-up check still runs)
    /// answers `database_damaged`, as the writer does once the check is done, so the window
    /// shows the recovery banner rather than a general error.
    fn read_error(&self, e: CoreError) -> ApiError {
        if !mesa_core::safety::backup::is_damage(&e) {
            return api(e);
        }
        self.wait_for(Phase::Checked);
        self.open_error().unwrap_or_else(|| {
            api(CoreError::DatabaseDamaged {
                path: self.info.db_path.clone(),
                detail: e.to_string(),
            })
        })
    }

    /// A write that records when it happened: `f` gets the database's "now"
    /// (`Store::clock_now`, read on the writer: the server's clock on PostgreSQL, so a
    /// workstation whose clock is wrong cannot misdate a case; this computer's on SQLite).
    pub(crate) fn with_now<T>(
        &self,
        f: impl FnOnce(&mut Store, DateTime<Utc>) -> Result<T, CoreError>,
    ) -> CmdResult<T> {
        self.with(|s| {
            let now = s.clock_now()?;
            f(s, now)
        })
    }

    /// A write (or a job that needs the writer): waits for the start-up check. The waits (the
    /// check, a long job holding the writer such as a move to a server) are inside
    /// [`blocking`] too, so they do not hold one of Tauri's few async workers.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
    ) -> CmdResult<T> {
        blocking(|| {
            self.wait_for(Phase::Checked);
            let mut guard = self.store.lock().map_err(|_| internal())?;
            match guard.as_mut() {
                Ok(store) => caught(|| f(store)),
                Err(e) => Err(e.clone()),
            }
        })
    }
}

/// The state before anything is opened (that happens in [`AppState::start`], on a worker).
pub(crate) fn initial_state() -> AppState {
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
        readers: RwLock::new(None),
        open_error: RwLock::new(error),
        phase: Mutex::new(Phase::Opening),
        phase_changed: Condvar::new(),
        info,
        default_actor: commands::safety::default_actor(),
        session: RwLock::new(None),
        import_cancel: Default::default(),
    }
}

/// Long jobs wait until the window is up and the first screen has read its data.
pub(crate) const JOBS_AFTER_START: Duration = Duration::from_secs(20);

#[cfg(test)]
mod tests {
    use super::*;

    fn state_on(store: Store) -> AppState {
        let s = initial_state();
        *s.store.lock().unwrap() = Ok(store);
        s.set_open_error(None);
        s.set_phase(Phase::Checked);
        s
    }

    #[test]
    fn a_panicking_command_answers_in_spanish_and_the_next_one_works() {
        let state = state_on(Store::open_in_memory().unwrap());
        let e = state
            .with(|_| -> Result<(), CoreError> { panic!("fallo de prueba") })
            .unwrap_err();
        assert_eq!(e.code, "internal");
        assert!(e.message.contains("fallo de prueba"), "{}", e.message);
        assert!(e.message.contains("no se completó"), "{}", e.message);
        // The writer is not poisoned: the next write works.
        assert!(state.with(|s| s.catalogs()).is_ok());
    }
}
