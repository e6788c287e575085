//! The access log: logins, logouts, failed logins, locks and account changes (append-only:
//! triggers refuse updates and deletes). Exported with the audit trail.

use crate::db::{params, Db};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::clock::{from_db, to_db, to_rfc3339_local};
use crate::error::Result;
use crate::Store;

/// One entry of the access log.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AccessEntry {
    pub id: i64,
    /// RFC 3339, Bogota time.
    pub at: String,
    pub login: String,
    /// login | logout | failed | refused | lock | password | reset | created | changed |
    /// deactivated | activated
    pub event: String,
    /// Spanish label of `event`.
    pub event_label: String,
    /// Who did it (the person, or the administrator for account changes).
    pub actor: String,
    pub detail: Option<String>,
}

/// Spanish label of an access event.
pub fn event_label(e: &str) -> &str {
    match e {
        "login" => "Ingreso",
        "logout" => "Cierre de sesión",
        "failed" => "Ingreso fallido",
        "refused" => "Ingreso rechazado",
        "lock" => "Bloqueo por inactividad",
        "password" => "Cambio de contraseña",
        "reset" => "Restablecimiento de contraseña",
        "created" => "Cuenta creada",
        "changed" => "Cuenta modificada",
        "deactivated" => "Cuenta desactivada",
        "activated" => "Cuenta reactivada",
        other => other,
    }
}

/// Appends one entry (inside the caller's write transaction).
pub(crate) fn log_access(
    conn: &Db,
    now: DateTime<Utc>,
    login: &str,
    event: &str,
    actor: &str,
    detail: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO access_log(at, login, event, actor, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![to_db(now), login, event, actor, detail],
    )?;
    Ok(())
}

impl Store {
    /// The access log, newest first (`limit` 0: all).
    pub fn access_log(&self, limit: i64) -> Result<Vec<AccessEntry>> {
        let mut st = self.conn.prepare(
            "SELECT id, at, login, event, actor, detail FROM access_log
             ORDER BY id DESC LIMIT ?1",
        )?;
        // No limit: the largest one (PostgreSQL refuses SQLite's `LIMIT -1`).
        let limit = if limit <= 0 { i64::MAX } else { limit };
        let rows = st.query_map([limit], |r| {
            let at: String = r.get("at")?;
            let event: String = r.get("event")?;
            Ok(AccessEntry {
                id: r.get("id")?,
                at: from_db(&at).map(to_rfc3339_local).unwrap_or(at),
                login: r.get("login")?,
                event_label: event_label(&event).to_string(),
                event,
                actor: r.get("actor")?,
                detail: r.get("detail")?,
            })
        })?;
        rows.collect::<crate::error::Result<_>>()
    }
}
