//! The store: one SQLite connection plus the business calendar read from the settings.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::calendar::BusinessCalendar;
use crate::db;
use crate::error::{CoreError, Result};
use crate::settings::CalendarConfig;

pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) calendar: BusinessCalendar,
    path: Option<PathBuf>,
    /// Who acts and when, for the audit triggers (see `audit.rs`).
    pub(crate) audit: crate::audit::AuditHandle,
}

/// A write transaction of the one write path ([`Store::begin_write`], [`write_tx`]): `BEGIN
/// IMMEDIATE`, with who and when set for the audit triggers while it is open. `commit` ends
/// it; dropping it without committing rolls it back. Either way the audit context goes back to
/// the session's, so no later write is audited with this one's author or time.
pub struct WriteTx<'c> {
    tx: Option<Transaction<'c>>,
    audit: &'c crate::audit::AuditHandle,
}

impl<'c> WriteTx<'c> {
    pub fn commit(mut self) -> Result<()> {
        if let Some(tx) = self.tx.take() {
            tx.commit()?;
        }
        Ok(())
    }
}

impl<'c> std::ops::Deref for WriteTx<'c> {
    type Target = Transaction<'c>;
    fn deref(&self) -> &Transaction<'c> {
        self.tx.as_ref().expect("transacción abierta")
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        // Roll back first (when not committed), then restore the session's context.
        drop(self.tx.take());
        if let Ok(mut c) = self.audit.lock() {
            c.write = None;
        }
    }
}

/// The one write path, on the store's fields (so a caller can keep reading other fields of the
/// store while the transaction is open): see [`WriteTx`]. Audited as `actor` at `now`.
pub(crate) fn write_tx<'c>(
    conn: &'c mut Connection,
    audit: &'c crate::audit::AuditHandle,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<WriteTx<'c>> {
    open_write(conn, audit, Some((actor.to_string(), now)))
}

/// The one write path for writes that carry no author of their own (settings, catalogs,
/// recomputations): audited as the session ([`Store::set_session`]).
pub(crate) fn session_write_tx<'c>(
    conn: &'c mut Connection,
    audit: &'c crate::audit::AuditHandle,
) -> Result<WriteTx<'c>> {
    open_write(conn, audit, None)
}

/// `BEGIN IMMEDIATE`, then who/when of this write (None: the session's) for the triggers.
fn open_write<'c>(
    conn: &'c mut Connection,
    audit: &'c crate::audit::AuditHandle,
    by: Option<(String, DateTime<Utc>)>,
) -> Result<WriteTx<'c>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Ok(mut c) = audit.lock() {
        c.write = by;
    }
    Ok(WriteTx {
        tx: Some(tx),
        audit,
    })
}

/// Inserts or replaces one setting (inside the caller's transaction, or on its own).
pub(crate) fn put_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
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
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self.begin_write(actor, now)?;
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    }

    /// Opens (creating and migrating as needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| CoreError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let conn = db::open(path)?;
        Self::from_connection(conn, Some(path.to_path_buf()))
    }

    pub fn open_in_memory() -> Result<Self> {
        Self::from_connection(db::open_in_memory()?, None)
    }

    fn from_connection(conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        let audit = crate::audit::register_functions(&conn)?;
        let mut store = Store {
            conn,
            calendar: BusinessCalendar::default_office(),
            path,
            audit,
        };
        store.reload_calendar()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn calendar(&self) -> &BusinessCalendar {
        &self.calendar
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn setting_i64(&self, key: &str, default: i64) -> Result<i64> {
        Ok(self
            .setting(key)?
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        put_setting(&self.conn, key, value)
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
        Ok(())
    }
}
