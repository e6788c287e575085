//! The store: one database connection ([`Db`]) plus the business calendar read from the settings.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::calendar::BusinessCalendar;
use crate::db::{self, Db, OptionalExt};
use crate::error::{CoreError, Result};
use crate::settings::CalendarConfig;

pub struct Store {
    pub(crate) conn: Db,
    pub(crate) calendar: BusinessCalendar,
    /// The `calendar` setting the cached calendar was built from (readers rebuild on change).
    calendar_src: Option<String>,
    path: Option<PathBuf>,
    /// The workstation's data folder (attachments, backups): the SQLite file's folder, or the
    /// folder holding `servidor.json` on PostgreSQL; None in memory.
    pub(crate) files_dir: Option<PathBuf>,
    /// Where a [`ReadPool`] opens its readers.
    source: Source,
    /// Who acts and when, for the audit triggers (see `audit.rs`).
    pub(crate) audit: crate::db::audit_triggers::AuditHandle,
    /// The logged-in account (issue 14): checked by [`Store::authorize`].
    pub(crate) principal: Option<crate::people::Principal>,
}

/// A write transaction of the one write path ([`Store::begin_write`], `write_tx`): `BEGIN
/// IMMEDIATE` on SQLite (`Db::begin_write`), with who and when set for the audit triggers
/// while it is open. `commit` ends it; dropping it without committing (or a failed commit)
/// rolls it back. Either way the audit context goes back to the session's, so no later write
/// is audited with this one's author or time. It derefs to the [`Db`] the statements run on.
pub struct WriteTx<'c> {
    db: &'c Db,
    /// Begun and neither committed nor rolled back.
    open: bool,
    /// `total_changes()` when the transaction began: a large batch is followed by a checkpoint.
    changes_before: u64,
    audit: &'c crate::db::audit_triggers::AuditHandle,
}

/// Rows changed in one write above which the commit is followed by a truncating checkpoint
/// (imports, sweeps, recomputations), so the WAL file shrinks back (see `db::WAL_SIZE_LIMIT`).
const LARGE_WRITE_ROWS: u64 = 5_000;

impl<'c> WriteTx<'c> {
    pub fn commit(mut self) -> Result<()> {
        if self.open {
            // A failed COMMIT leaves `open` set: the drop rolls back.
            self.db.commit()?;
            self.open = false;
            if self.db.total_changes().saturating_sub(self.changes_before) >= LARGE_WRITE_ROWS {
                db::checkpoint_after_batch(self.db);
            }
        }
        Ok(())
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        // Roll back first (when not committed), then restore the session's context.
        if self.open && !self.db.is_autocommit() {
            let _ = self.db.rollback();
        }
        if let Ok(mut c) = self.audit.lock() {
            c.write = None;
        }
    }
}

/// The one write path, on the store's fields (so a caller can keep reading other fields of the
/// store while the transaction is open): see [`WriteTx`]. Audited as `actor` at `now`.
pub(crate) fn write_tx<'c>(
    conn: &'c mut Db,
    audit: &'c crate::db::audit_triggers::AuditHandle,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<WriteTx<'c>> {
    open_write(conn, audit, Some((actor.to_string(), now)))
}

/// The one write path for writes that carry no author of their own (settings, catalogs,
/// recomputations): audited as the session ([`Store::set_session`]).
pub(crate) fn session_write_tx<'c>(
    conn: &'c mut Db,
    audit: &'c crate::db::audit_triggers::AuditHandle,
) -> Result<WriteTx<'c>> {
    open_write(conn, audit, None)
}

/// `BEGIN IMMEDIATE` (SQLite) or `BEGIN` + the write advisory lock (PostgreSQL, see
/// `db::pg::backend::WRITE_LOCK`), then who/when of this write (None: the session's) for the
/// triggers. The [`AuditHandle`](crate::db::audit_triggers::AuditHandle) is the one source of
/// both: SQLite's triggers read it through `mesa_actor()`/`mesa_now()`; on PostgreSQL its values
/// go to `SET LOCAL mesa.actor`/`mesa.at` for the PL/pgSQL triggers, for this transaction only.
fn open_write<'c>(
    conn: &'c mut Db,
    audit: &'c crate::db::audit_triggers::AuditHandle,
    by: Option<(String, DateTime<Utc>)>,
) -> Result<WriteTx<'c>> {
    let db: &'c Db = conn;
    let changes_before = db.total_changes();
    db.begin_write()?;
    let (actor, at) = match audit.lock() {
        Ok(mut c) => {
            c.write = by;
            (c.actor().to_string(), c.now())
        }
        Err(_) => ("sistema".to_string(), None),
    };
    let tx = WriteTx {
        db,
        open: true,
        changes_before,
        audit,
    };
    // On SQLite this does nothing (the functions read the handle); an error rolls back (drop).
    tx.db
        .set_write_context(&actor, at.map(crate::clock::to_db).as_deref())?;
    Ok(tx)
}

/// Where a store's database is, so that a [`ReadPool`] can open readers on the same one.
#[derive(Clone, Debug)]
enum Source {
    Memory,
    File(PathBuf),
    #[cfg(feature = "postgres")]
    Server(crate::db::pg::PgTarget),
}

/// The one reader of the `settings` table (also inside a write transaction): the value of `key`.
pub(crate) fn get_setting(conn: &Db, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get("value")
    })
    .optional()
}

/// A numeric setting, `default` when missing or not a number.
pub(crate) fn get_setting_i64(conn: &Db, key: &str, default: i64) -> Result<i64> {
    Ok(get_setting(conn, key)?
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default))
}

/// Inserts or replaces one setting (inside the caller's transaction).
pub(crate) fn put_setting(conn: &Db, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

impl Store {
    /// Opens a write transaction by `actor` at `now` (the one write path; see [`WriteTx`]).
    pub fn begin_write(&mut self, actor: &str, now: DateTime<Utc>) -> Result<WriteTx<'_>> {
        write_tx(&mut self.conn, &self.audit, actor, now)
    }

    /// Runs `f` in one write transaction by `actor` at `now`: committed when it returns Ok,
    /// rolled back when it returns an error.
    pub fn write<T>(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
        f: impl FnOnce(&Db) -> Result<T>,
    ) -> Result<T> {
        let tx = self.begin_write(actor, now)?;
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    }

    /// Opens (creating and migrating as needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        crate::safety::shared_drive::refuse_network_path(path)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| CoreError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let conn = db::open(path, &crate::safety::backup::before_migrating)?;
        Self::from_connection(conn, Source::File(path.to_path_buf()))
    }

    pub fn open_in_memory() -> Result<Self> {
        Self::from_connection(db::open_in_memory()?, Source::Memory)
    }

    /// Opens the database on a PostgreSQL server (issue 17): connects, refuses an unsupported
    /// server, brings the schema up to date (`db::pg::open`, the PostgreSQL migration runner).
    /// `data_dir` is this workstation's data folder (attachments, backups), if any.
    #[cfg(feature = "postgres")]
    pub fn open_server(target: &crate::db::pg::PgTarget, data_dir: Option<&Path>) -> Result<Self> {
        // A schema about to be updated is dumped first (as SQLite's pre-migration backup).
        if let Some(d) = data_dir {
            crate::safety::pgdump::before_migrating(target, d)?;
        }
        let conn = db::pg::open(target)?;
        let mut s = Self::from_connection(conn, Source::Server(target.clone()))?;
        s.files_dir = data_dir.map(Path::to_path_buf);
        if let Some(d) = data_dir {
            // Cached copies of attachments removed meanwhile (e.g. on another workstation).
            let _ = db::blobs::prune_cache(&s.conn, d);
        }
        Ok(s)
    }

    /// Opens the database of the workstation whose data folder is `data_dir`: the server named
    /// in its `servidor.json` (with the password `password` reads from the OS credential store,
    /// keyed by [`WorkstationServer::credential_key`](crate::db::pg::workstation::WorkstationServer::credential_key)),
    /// else its SQLite file `mesa.db` (the default, unchanged).
    #[cfg(feature = "postgres")]
    pub fn open_workstation(
        data_dir: &Path,
        password: impl FnOnce(&crate::db::pg::workstation::WorkstationServer) -> Result<Option<String>>,
    ) -> Result<Self> {
        match crate::db::pg::workstation::read(data_dir)? {
            Some(ws) => {
                let target = ws.target(password(&ws)?);
                Self::open_server(&target, Some(data_dir))
            }
            None => Self::open(&crate::paths::db_path(data_dir)),
        }
    }

    /// The server this store is on (PostgreSQL), for what runs outside its connection
    /// (`pg_dump`/`pg_restore` in `safety/pgdump.rs`, the change listener).
    #[cfg(feature = "postgres")]
    pub fn server_target(&self) -> Option<&crate::db::pg::PgTarget> {
        match &self.source {
            Source::Server(t) => Some(t),
            _ => None,
        }
    }

    /// Which engine the store runs on.
    pub fn engine(&self) -> db::Engine {
        self.conn.engine()
    }

    /// "Now" for the front doors (the app, the CLI without `--now`): the database server's
    /// clock on PostgreSQL (so a workstation with a wrong clock cannot misdate a case), this
    /// computer's on SQLite. Core's rules never call it: they take `now` as a parameter.
    pub fn clock_now(&self) -> Result<DateTime<Utc>> {
        Ok(self.conn.server_now()?.unwrap_or_else(Utc::now))
    }

    fn from_connection(conn: Db, source: Source) -> Result<Self> {
        // PostgreSQL has no per-connection SQL functions: the triggers read `mesa.actor` /
        // `mesa.at`, which the write path sets from the same handle (`open_write`).
        let audit = match conn.engine() {
            db::Engine::Sqlite => {
                crate::db::audit_triggers::register_functions(conn.sqlite_native()?)?
            }
            db::Engine::Postgres => crate::db::audit_triggers::new_handle(),
        };
        let path = match &source {
            Source::File(p) => Some(p.clone()),
            _ => None,
        };
        let files_dir = path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf);
        let mut store = Store {
            conn,
            calendar: BusinessCalendar::default_office(),
            calendar_src: None,
            path,
            files_dir,
            source,
            audit,
            principal: None,
        };
        // PostgreSQL: the session's author until `set_session` (SQLite's default, «sistema»).
        store.conn.set_session_context("sistema", None)?;
        store.reload_calendar()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn connection(&self) -> &Db {
        &self.conn
    }

    pub fn calendar(&self) -> &BusinessCalendar {
        &self.calendar
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        get_setting(&self.conn, key)
    }

    pub fn setting_i64(&self, key: &str, default: i64) -> Result<i64> {
        get_setting_i64(&self.conn, key, default)
    }

    /// Sets one setting (one write of the write path, audited as the session).
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        self.session_write(|tx| put_setting(tx, key, value))
    }

    /// Runs `f` in one write transaction with no author of its own (settings, catalogs),
    /// audited as the session ([`Store::set_session`]).
    pub fn session_write<T>(&mut self, f: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        let tx = session_write_tx(&mut self.conn, &self.audit)?;
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    }

    /// The business calendar configuration in force.
    pub fn calendar_config(&self) -> Result<CalendarConfig> {
        match self.setting("calendar")? {
            Some(s) if !s.trim().is_empty() => Ok(serde_json::from_str(&s)?),
            _ => Ok(CalendarConfig::default()),
        }
    }

    /// Replaces the business calendar and recomputes every stored deadline, in one transaction.
    pub fn set_calendar(&mut self, cfg: &CalendarConfig) -> Result<usize> {
        self.authorize(crate::people::Permission::Settings)?;
        let cal = cfg.build()?;
        let tx = session_write_tx(&mut self.conn, &self.audit)?;
        tx.execute(
            "UPDATE settings SET value = ?1 WHERE key = 'calendar'",
            [serde_json::to_string(cfg)?],
        )?;
        tx.commit()?;
        self.calendar = cal;
        self.recompute_all_deadlines()
    }

    /// After the content of the database was replaced (restore): reload what is cached.
    pub(crate) fn reload_after_restore(&mut self) -> Result<()> {
        self.reload_calendar()
    }

    fn reload_calendar(&mut self) -> Result<()> {
        self.calendar = self.calendar_config()?.build()?;
        self.calendar_src = self.setting("calendar")?;
        Ok(())
    }

    /// A read-only store on the database file at `path`, which [`Store::open`] has already
    /// brought up to date (see [`db::open_reader`]). Reads on it never wait behind the writer;
    /// a write on it fails. The app keeps a few in a [`ReadPool`].
    pub fn open_reader(path: &Path) -> Result<Self> {
        Self::from_connection(db::open_reader(path)?, Source::File(path.to_path_buf()))
    }

    /// A read-only store on the server of `target` (see [`db::pg::open_reader`]): every
    /// transaction on it is read-only.
    #[cfg(feature = "postgres")]
    pub fn open_server_reader(
        target: &crate::db::pg::PgTarget,
        data_dir: Option<&Path>,
    ) -> Result<Self> {
        let mut s =
            Self::from_connection(db::pg::open_reader(target)?, Source::Server(target.clone()))?;
        s.files_dir = data_dir.map(Path::to_path_buf);
        Ok(s)
    }

    /// A reader on the same database as this store (another connection).
    #[cfg_attr(not(feature = "postgres"), allow(unused_variables))]
    fn reader_like(source: &Source, files_dir: Option<&Path>) -> Result<Self> {
        match source {
            Source::Memory => Err(CoreError::validation(
                "lectores",
                "la base de datos está en memoria",
            )),
            Source::File(p) => Self::open_reader(p),
            #[cfg(feature = "postgres")]
            Source::Server(t) => Self::open_server_reader(t, files_dir),
        }
    }

    /// The read pool of this store's database: read-only connections to the same file or
    /// server.
    pub fn read_pool(&self) -> ReadPool {
        ReadPool {
            source: self.source.clone(),
            files_dir: self.files_dir.clone(),
            idle: Default::default(),
        }
    }

    /// Rebuilds what this store caches (the business calendar) when another connection
    /// changed it; one indexed read of the setting when nothing changed.
    pub fn refresh(&mut self) -> Result<()> {
        if self.setting("calendar")? != self.calendar_src {
            self.reload_calendar()?;
        }
        Ok(())
    }
}

/// Read-only stores on one database file, reused between reads: lists, case details, the
/// dashboard, search and the settings screens read here, so they never wait behind the one
/// writer (an import, a backup, an export). Each read sees one consistent snapshot (WAL).
pub struct ReadPool {
    source: Source,
    files_dir: Option<PathBuf>,
    idle: std::sync::Mutex<Vec<Store>>,
}

/// Idle readers kept open; more are opened while many reads run at once.
const IDLE_READERS: usize = 4;

impl ReadPool {
    /// Readers on the SQLite file at `path` (see [`Store::read_pool`] for any engine).
    pub fn new(path: &Path) -> Self {
        ReadPool {
            source: Source::File(path.to_path_buf()),
            files_dir: path.parent().map(Path::to_path_buf),
            idle: Default::default(),
        }
    }

    /// Runs `f` on a reader (opened if none is idle), refreshed first.
    pub fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut store = match idle {
            Some(s) => s,
            None => Store::reader_like(&self.source, self.files_dir.as_deref())?,
        };
        store.refresh()?;
        let out = f(&store);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_READERS {
            idle.push(store);
        }
        out
    }

    /// Closes the idle readers (after the database file itself was replaced, e.g. restoring
    /// over a damaged file): the next reads open the new file.
    pub fn clear(&self) {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TicketQuery;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn total(s: &Store) -> i64 {
        s.list_tickets(
            &TicketQuery {
                limit: 1,
                ..Default::default()
            },
            t("2026-03-10T15:00:00Z"),
        )
        .unwrap()
        .total
    }

    #[test]
    fn a_reader_does_not_wait_behind_an_open_write_and_sees_only_committed_data() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("mesa.db");
        let mut w = Store::open(&db).unwrap();
        crate::tickets::demo::generate(&mut w, 30, 7, t("2026-03-10T15:00:00Z")).unwrap();
        let pool = ReadPool::new(&db);
        assert_eq!(pool.read(|r| Ok(total(r))).unwrap(), 30);

        // A long write holds the writer (BEGIN IMMEDIATE) with a change not yet committed.
        let tx = w.begin_write("Ana", t("2026-03-10T15:00:00Z")).unwrap();
        tx.execute(
            "UPDATE settings SET value = 'x' WHERE key = 'ticket_prefix'",
            [],
        )
        .unwrap();
        let started = std::time::Instant::now();
        assert_eq!(pool.read(|r| Ok(total(r))).unwrap(), 30);
        assert_eq!(
            pool.read(|r| r.setting("ticket_prefix"))
                .unwrap()
                .as_deref(),
            Some("MA")
        );
        // The busy timeout is 10 s: a read that waited for the writer would take that long.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        drop(tx); // rolled back
        crate::tickets::demo::generate(&mut w, 5, 8, t("2026-03-10T15:00:00Z")).unwrap();
        assert_eq!(pool.read(|r| Ok(total(r))).unwrap(), 35);
    }

    #[test]
    fn a_reader_refuses_writes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("mesa.db");
        drop(Store::open(&db).unwrap());
        let mut r = Store::open_reader(&db).unwrap();
        assert!(r.set_setting("ticket_prefix", "ZZ").is_err());
        assert_eq!(r.setting("ticket_prefix").unwrap().as_deref(), Some("MA"));
    }

    #[test]
    fn a_reader_of_an_unmigrated_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("mesa.db");
        drop(rusqlite::Connection::open(&db).unwrap());
        let e = Store::open_reader(&db).err().unwrap();
        assert_eq!(e.code(), "not_a_database", "{e}");
    }

    #[test]
    fn readers_follow_a_calendar_change_made_by_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("mesa.db");
        let mut w = Store::open(&db).unwrap();
        let pool = ReadPool::new(&db);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 11).unwrap();
        assert!(pool
            .read(|r| Ok(r.calendar().is_business_day(day)))
            .unwrap());
        let mut cfg = w.calendar_config().unwrap();
        cfg.closed_days.push("2026-03-11".into());
        w.set_calendar(&cfg).unwrap();
        assert!(!pool
            .read(|r| Ok(r.calendar().is_business_day(day)))
            .unwrap());
    }

    #[test]
    fn a_large_write_leaves_no_large_wal_behind() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("mesa.db");
        let mut w = Store::open(&db).unwrap();
        crate::tickets::demo::generate(&mut w, 3_000, 7, t("2026-03-10T15:00:00Z")).unwrap();
        let wal = std::fs::metadata(dir.path().join("mesa.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
        // Without the checkpoint after the batch the WAL holds every page written (MBs).
        assert!(
            wal < 256 * 1024,
            "WAL de {wal} bytes tras una escritura grande"
        );
        assert_eq!(total(&w), 3_000);
    }
}
