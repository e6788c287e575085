//! The store's data safety: backups made now, daily and before risky operations (import,
//! undo, demo removal), the integrity check, and restoring a backup into the open store. The
//! backup files themselves (names, copy, verification, rotation, list) are `backup.rs`, below
//! the store.

pub mod audit;
pub mod backup;
#[cfg(feature = "postgres")]
pub mod pgdump;
pub mod privacy;
pub mod shared_drive;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use crate::clock::to_local;
use crate::db;
use crate::error::{CoreError, Result};
use crate::safety::backup::{
    create, default_dir, inspect_copy, list, parse_name, restore_attachments, rotate, step_all,
    BackupInfo, BackupKind, RestoreReport, RetentionPolicy,
};
use crate::store::Store;

impl Store {
    /// Folder of the automatic backups (None for an in-memory store): next to the SQLite file,
    /// or in the workstation's data folder on PostgreSQL.
    pub fn backups_dir(&self) -> Option<PathBuf> {
        match self.path() {
            Some(p) => Some(default_dir(p)),
            None => self
                .server_dir()
                .map(|d| d.join(crate::safety::backup::BACKUP_DIR)),
        }
    }

    /// The workstation's data folder when the store is on a server.
    fn server_dir(&self) -> Option<PathBuf> {
        #[cfg(feature = "postgres")]
        if self.server_target().is_some() {
            return self.data_dir();
        }
        None
    }

    pub(crate) fn data_dir(&self) -> Option<PathBuf> {
        // The SQLite file's folder, or the workstation's folder on PostgreSQL (store.rs).
        self.files_dir.clone()
    }

    /// Makes a verified backup now: into `to` when given (a folder the user chose; never
    /// rotated), else into the default folder (then rotation runs).
    pub fn backup_now(
        &self,
        kind: BackupKind,
        to: Option<&Path>,
        now: DateTime<Utc>,
    ) -> Result<BackupInfo> {
        self.authorize(crate::people::Permission::Backup)?;
        self.take_backup(kind, to, now)
    }

    /// The backup itself, without the permission check: the automatic ones (daily, before an
    /// import, a restore or a migration) are taken whoever is at the keyboard.
    fn take_backup(
        &self,
        kind: BackupKind,
        to: Option<&Path>,
        now: DateTime<Utc>,
    ) -> Result<BackupInfo> {
        let default = self.backups_dir().ok_or_else(|| {
            CoreError::validation("copia de seguridad", "la base de datos está en memoria")
        })?;
        let data_dir = self.data_dir();
        #[cfg(feature = "postgres")]
        if let Some(target) = self.server_target() {
            // PostgreSQL: `pg_dump -Fc` verified with `pg_restore --list` (pgdump.rs), the same
            // names, folder and rotation.
            let (dir, private) = match to {
                Some(d) => (d.to_path_buf(), false),
                None => (default.clone(), true),
            };
            let info = pgdump::create(target, &dir, kind, now, private)?;
            if to.is_none() {
                rotate(&default, &RetentionPolicy::default())?;
            }
            return Ok(info);
        }
        let conn = self.conn.sqlite_native()?;
        match to {
            Some(dir) => create(conn, dir, kind, now, data_dir.as_deref(), false),
            None => {
                let info = create(conn, &default, kind, now, data_dir.as_deref(), true)?;
                rotate(&default, &RetentionPolicy::default())?;
                Ok(info)
            }
        }
    }

    /// For the importer: a verified backup before an import (`PreImport`) or before undoing
    /// one (`PreUndo`). Call it before opening the import's transaction; if it fails, do not
    /// import (the error says why). None for an in-memory store (tests).
    pub fn backup_before(
        &self,
        kind: BackupKind,
        now: DateTime<Utc>,
    ) -> Result<Option<BackupInfo>> {
        if self.backups_dir().is_none() {
            return Ok(None);
        }
        self.take_backup(kind, None, now).map(Some)
    }

    /// Backups in the default folder, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        match self.backups_dir() {
            Some(d) => list(&d),
            None => Ok(vec![]),
        }
    }

    /// Once a day at first use: when the default folder has no backup (of any kind) made on
    /// today's Bogota date, makes a `daily` one (then rotates). Returns it, or None. On
    /// PostgreSQL one workstation makes the day's dump for all (`pgdump::create_daily`); the
    /// others get None.
    pub fn ensure_daily_backup(&self, now: DateTime<Utc>) -> Result<Option<BackupInfo>> {
        let Some(dir) = self.backups_dir() else {
            return Ok(None);
        };
        let today = to_local(now).date();
        let done_today = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.flatten().any(|e| {
                    parse_name(&e.file_name().to_string_lossy())
                        .is_some_and(|(t, _)| to_local(t).date() == today)
                })
            })
            .unwrap_or(false);
        if done_today {
            return Ok(None);
        }
        // PostgreSQL: one dump a day for all the workstations (the first that starts makes it).
        #[cfg(feature = "postgres")]
        if let Some(target) = self.server_target() {
            let info = pgdump::create_daily(target, &dir, now, &pgdump::workstation_name())?;
            if info.is_some() {
                rotate(&dir, &RetentionPolicy::default())?;
            }
            return Ok(info);
        }
        self.take_backup(BackupKind::Daily, None, now).map(Some)
    }

    /// Checks a backup file offered for restore without changing anything (a SQLite copy, or
    /// a PostgreSQL dump on a store on a server): what it holds, or why it is refused.
    pub fn verify_backup(&self, file: &Path) -> Result<BackupInfo> {
        #[cfg(feature = "postgres")]
        if self.server_target().is_some() {
            return pgdump::inspect(file);
        }
        crate::safety::backup::verify(file)
    }

    /// `PRAGMA quick_check`: Err(DatabaseDamaged) when the file is damaged. On PostgreSQL
    /// the server keeps its own files consistent (WAL, checksums): the check is that the
    /// database answers, with its schema (an error otherwise, never "damaged").
    pub fn health_check(&self) -> Result<()> {
        if self.conn.engine() == db::Engine::Postgres {
            self.conn
                .query_row("SELECT count(*) AS n FROM schema_migrations", [], |r| {
                    r.get::<_, i64>("n")
                })?;
            return Ok(());
        }
        let path = self.path().map(crate::files::shown).unwrap_or_default();
        let damaged = |detail: String| CoreError::DatabaseDamaged {
            path: path.clone(),
            detail,
        };
        let rows: Vec<String> = (|| -> crate::error::Result<Vec<String>> {
            let mut st = self.conn.prepare("PRAGMA quick_check(5)")?;
            let v = st
                .query_map([], |r| r.get(0))?
                .collect::<crate::error::Result<Vec<_>>>()?;
            Ok(v)
        })()
        .map_err(|e| damaged(e.to_string()))?;
        if rows != ["ok"] {
            return Err(damaged(rows.join("; ")));
        }
        Ok(())
    }

    /// Restores `file` into this store. Order: verify the file (refused ⇒ nothing changed);
    /// back up the current database (`pre-restore`); copy the verified content in with the
    /// backup API in one write transaction; bring its schema up to date; restore attachments.
    ///
    /// On PostgreSQL the same order with a dump: verified (`pg_restore --list`), `pre-restore`
    /// dump, `pg_restore --clean --if-exists --single-transaction` into the workstation's
    /// database, schema brought up to date.
    pub fn restore_backup(&mut self, file: &Path, now: DateTime<Utc>) -> Result<RestoreReport> {
        self.authorize(crate::people::Permission::Restore)?;
        #[cfg(feature = "postgres")]
        if let Some(target) = self.server_target().cloned() {
            let info = pgdump::inspect(file)?;
            let safety = self.take_backup(BackupKind::PreRestore, None, now)?;
            pgdump::restore(&target, file)?;
            self.reload_after_restore()?;
            self.session_write(|tx| {
                tx.execute(
                    "INSERT INTO audit_log(at, actor, table_name, record_key, action, field, old_value, new_value)
                     VALUES (coalesce(nullif(current_setting('mesa.at', true), ''),
                                      to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')),
                             current_setting('mesa.actor'),
                             'database', ?1, 'update', 'restaurada', ?2, ?3)",
                    crate::params![info.file_name, safety.file_name, info.created_at],
                )?;
                Ok(())
            })?;
            // The attachments' content came back with the dump (`attachment_blobs`); a dump
            // made before PostgreSQL migration 0006 kept the files in a folder beside it.
            let beside = crate::safety::backup::sidecar(file, "attachments");
            if beside.is_dir() {
                let data_dir = self.attachments_dir_checked()?;
                self.session_write(|tx| {
                    crate::attachments::load_missing_content(tx, &data_dir, &beside)
                })?;
            }
            return Ok(RestoreReport {
                restored: info,
                safety_copy: Some(safety),
                damaged_copy: None,
            });
        }
        let (info, copy) = inspect_copy(file)?;
        let safety = self.take_backup(BackupKind::PreRestore, None, now)?;
        {
            // pg: restoring is `pg_restore` of a `pg_dump` (issue 17); the SQLite backup API here.
            let src = Connection::open_with_flags(
                &copy.path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            let b = Backup::new(&src, self.conn.sqlite_native_mut()?)?;
            step_all(&b)?;
        }
        db::migrate(self.conn.sqlite_native()?)?;
        crate::safety::audit::install(self.conn.sqlite_native()?)?;
        self.reload_after_restore()?;
        self.session_write(|tx| {
            tx.execute(
                "INSERT INTO audit_log(at, actor, table_name, record_key, action, field, old_value, new_value)
                 VALUES (coalesce(mesa_now(), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), mesa_actor(),
                         'database', ?1, 'update', 'restaurada', ?2, ?3)",
                crate::params![info.file_name, safety.file_name, info.created_at],
            )?;
            Ok(())
        })?;
        if let Some(d) = self.data_dir() {
            restore_attachments(file, &d)?;
        }
        Ok(RestoreReport {
            restored: info,
            safety_copy: Some(safety),
            damaged_copy: None,
        })
    }
}
