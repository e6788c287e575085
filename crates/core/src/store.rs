//! The store: one SQLite connection plus the business calendar read from the settings.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

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

impl Store {
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
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
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
        let tx = self.conn.transaction()?;
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
