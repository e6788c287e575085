//! Audit trail (auditoría): who changed what, when, old → new, for cases, equipment, plans and
//! catalogs.
//!
//! How it works: every audited table gets three SQLite triggers (`audit_<table>_ai/_au/_ad`)
//! that append to `audit_log` (migration 0003). The triggers are *generated from the live
//! schema* by [`install`] each time a connection is opened (db.rs): when a table gains a column
//! the update trigger is rebuilt to cover it, so nothing escapes. The triggers read who acts and
//! when from two SQL functions registered on each connection, `mesa_actor()` and `mesa_now()`
//! (set per write transaction by [`crate::Store::begin_write`], else the session's from
//! [`crate::Store::set_session`]; `mesa_now()` NULL ⇒ SQLite's current UTC time). A tool
//! that opens the file without those functions (e.g. the `sqlite3` shell) cannot change an
//! audited table at all ("no such function: mesa_actor"): deliberate, no silent edits.
//!
//! **Adding a table** (for the engineer adding equipment/plans/… tables): add one line to
//! [`AUDITED`] with the table name and the SQL expression of the key a person recognises,
//! written with `X.` for the row (`X.tag`, `X.number`, `(SELECT … WHERE id = X.parent_id)`).
//! Nothing is needed in the migration. `cargo test -p mesa-core --test audit` checks that every
//! table of the schema is either audited or listed in [`NOT_AUDITED`] with its reason.
//! `mesa audit trigger-sql TABLE` prints the SQL that would be generated.

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{to_db, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::store::Store;

/// Audited tables and the SQL expression (with `X.` for the row) of the key shown to people.
pub const AUDITED: &[(&str, &str)] = &[
    // cases
    ("tickets", "X.number"),
    (
        "surveys",
        "coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), X.ticket_id)",
    ),
    // catalogs and settings
    ("settings", "X.key"),
    ("departments", "X.name"),
    ("staff", "X.name"),
    ("service_types", "X.name"),
    ("priority_matrix", "X.urgency || '×' || X.impact"),
    (
        "sla_level_targets",
        "coalesce(nullif(X.service_type, ''), '*') || ' / nivel ' || X.level",
    ),
    ("survey_questions", "X.position"),
    // equipment
    ("assets", "X.tag"),
    (
        "asset_peripherals",
        "coalesce((SELECT tag FROM assets WHERE id = X.asset_id), X.asset_id) || '/' || X.id",
    ),
    ("decommission_concepts", "X.number"),
    // maintenance plans
    ("maintenance_plans", "X.year"),
    (
        "maintenance_items",
        "coalesce((SELECT year FROM maintenance_plans WHERE id = X.plan_id), X.plan_id) || '/' || X.position",
    ),
    ("maintenance_occurrences", "X.item_id || '/' || X.year || '-' || X.month"),
    ("maintenance_logs", "X.id"),
    // imports (the batch record; its cases are audited as cases)
    ("import_batches", "X.id"),
    // stored help-desk reports (analysis and improvement actions)
    ("reports", "X.period_from || '/' || X.period_to"),
];

/// Tables deliberately not audited, with the reason (checked by a test).
pub const NOT_AUDITED: &[(&str, &str)] = &[
    ("schema_migrations", "metadatos de esquema"),
    ("audit_log", "es el propio registro de auditoría"),
    (
        "ticket_events",
        "línea de tiempo del caso: ya es un registro de solo anexar",
    ),
    (
        "asset_events",
        "hoja de vida del equipo: ya es un registro de solo anexar",
    ),
    (
        "ticket_pauses",
        "derivado de las acciones del caso, registradas en su línea de tiempo",
    ),
    ("ticket_counters", "contador técnico de consecutivos"),
    (
        "decommission_counters",
        "contador técnico de consecutivos de conceptos de baja",
    ),
    (
        "ticket_counts",
        "conteo derivado de los casos, mantenido por disparadores",
    ),
];

/// Marker that replaces personal data in the audit trail after an anonymisation.
pub const REDACTED: &str = "[anonimizado]";

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, Bogota time.
    pub at: String,
    pub actor: String,
    pub table_name: String,
    /// Spanish name of the table, for people.
    pub table_label: String,
    pub record_key: String,
    /// create | update | delete | anonymize
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Filter for [`Store::audit_entries`]. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditQuery {
    pub table_name: Option<String>,
    pub record_key: Option<String>,
    /// Free text over actor, key, field and values.
    pub search: Option<String>,
    #[ts(type = "number")]
    pub limit: i64,
    #[ts(type = "number")]
    pub offset: i64,
}

/// Who acts and when, as seen by the audit triggers of one connection: the session's (the
/// app's user with the database's clock, the CLI's `--as` and `--now`), overridden by the write
/// transaction in progress, for that transaction only (see `Store::begin_write`).
#[derive(Debug, Clone)]
pub struct AuditContext {
    pub session_actor: String,
    pub session_now: Option<DateTime<Utc>>,
    /// Set by the one write path while its transaction is open; cleared when it ends.
    pub write: Option<(String, DateTime<Utc>)>,
}

impl AuditContext {
    pub fn actor(&self) -> &str {
        self.write
            .as_ref()
            .map(|w| w.0.as_str())
            .unwrap_or(&self.session_actor)
    }

    pub fn now(&self) -> Option<DateTime<Utc>> {
        self.write.as_ref().map(|w| w.1).or(self.session_now)
    }
}

pub type AuditHandle = Arc<Mutex<AuditContext>>;

/// Registers `mesa_actor()` / `mesa_now()` on `conn` and returns the handle that sets them.
pub fn register_functions(conn: &Connection) -> Result<AuditHandle> {
    let ctx: AuditHandle = Arc::new(Mutex::new(AuditContext {
        session_actor: "sistema".into(),
        session_now: None,
        write: None,
    }));
    let a = ctx.clone();
    conn.create_scalar_function("mesa_actor", 0, FunctionFlags::SQLITE_UTF8, move |_| {
        Ok(a.lock().map(|c| c.actor().to_string()).unwrap_or_default())
    })?;
    let n = ctx.clone();
    conn.create_scalar_function("mesa_now", 0, FunctionFlags::SQLITE_UTF8, move |_| {
        Ok(n.lock().ok().and_then(|c| c.now().map(to_db)))
    })?;
    Ok(ctx)
}

/// Spanish label of a table for people.
pub fn table_label(t: &str) -> String {
    match t {
        "tickets" => "Casos",
        "surveys" => "Encuestas",
        "settings" => "Ajustes",
        "departments" => "Dependencias",
        "staff" => "Funcionarios",
        "service_types" => "Tipos de servicio",
        "priority_matrix" => "Matriz de prioridad",
        "survey_questions" => "Preguntas de la encuesta",
        "assets" => "Equipos",
        "asset_peripherals" => "Periféricos",
        "decommission_concepts" => "Conceptos técnicos de baja",
        "maintenance_plans" => "Planes de mantenimiento",
        "maintenance_items" => "Actividades del plan",
        "maintenance_occurrences" => "Programación del plan",
        "maintenance_logs" => "Bitácoras",
        "import_batches" => "Importaciones",
        "database" => "Base de datos",
        "person" => "Titular de datos",
        other => other,
    }
    .to_string()
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let cols = st
        .query_map([], |r| r.get::<_, String>("name"))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

fn qi(c: &str) -> String {
    format!("\"{}\"", c.replace('"', "\"\""))
}

const AT: &str = "coalesce(mesa_now(), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

/// The three trigger statements for `table` with its current columns (empty if no such table).
pub fn trigger_sql(conn: &Connection, table: &str, key: &str) -> Result<Vec<(String, String)>> {
    let cols = columns(conn, table)?;
    if cols.is_empty() {
        return Ok(vec![]);
    }
    let key_new = key.replace("X.", "new.");
    let key_old = key.replace("X.", "old.");
    let json = |row: &str| {
        let pairs: Vec<String> = cols
            .iter()
            .map(|c| format!("'{}', {row}.{}", c.replace('\'', "''"), qi(c)))
            .collect();
        format!("json_object({})", pairs.join(", "))
    };
    // Rows written by an import batch are recorded once, as the batch (`import_batches` is
    // audited, with file, hash and counts), not row by row: a 100,000-row import would
    // otherwise double the database. Later edits of imported rows are audited as usual.
    let batch = cols.iter().any(|c| c == "import_batch");
    let when_new = if batch {
        " WHEN new.import_batch IS NULL"
    } else {
        ""
    };
    let when_old = if batch {
        " WHEN old.import_batch IS NULL"
    } else {
        ""
    };
    let ai = format!(
        "CREATE TRIGGER audit_{table}_ai AFTER INSERT ON {t}{when_new} BEGIN\n  \
         INSERT INTO audit_log(at, actor, table_name, record_key, action, new_value)\n  \
         VALUES ({AT}, mesa_actor(), '{table}', CAST({key_new} AS TEXT), 'create', {});\nEND",
        json("new"),
        t = qi(table)
    );
    let ad = format!(
        "CREATE TRIGGER audit_{table}_ad AFTER DELETE ON {t}{when_old} BEGIN\n  \
         INSERT INTO audit_log(at, actor, table_name, record_key, action, old_value)\n  \
         VALUES ({AT}, mesa_actor(), '{table}', CAST({key_old} AS TEXT), 'delete', {});\nEND",
        json("old"),
        t = qi(table)
    );
    let changes: Vec<String> = cols
        .iter()
        .map(|c| {
            format!(
                "SELECT '{}' AS f, CAST(old.{q} AS TEXT) AS o, CAST(new.{q} AS TEXT) AS n WHERE old.{q} IS NOT new.{q}",
                c.replace('\'', "''"),
                q = qi(c)
            )
        })
        .collect();
    let au = format!(
        "CREATE TRIGGER audit_{table}_au AFTER UPDATE ON {t} BEGIN\n  \
         INSERT INTO audit_log(at, actor, table_name, record_key, action, field, old_value, new_value)\n  \
         SELECT {AT}, mesa_actor(), '{table}', CAST({key_new} AS TEXT), 'update', f, o, n FROM (\n    {}\n  );\nEND",
        changes.join("\n    UNION ALL "),
        t = qi(table)
    );
    Ok(vec![
        (format!("audit_{table}_ai"), ai),
        (format!("audit_{table}_au"), au),
        (format!("audit_{table}_ad"), ad),
    ])
}

/// (Re)creates the audit triggers of every audited table that exists, when they differ from
/// what the live schema needs. One transaction; nothing is written when all are current.
pub fn install(conn: &Connection) -> Result<()> {
    let has_log: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'",
        [],
        |r| r.get(0),
    )?;
    if !has_log {
        return Ok(());
    }
    let mut wanted = Vec::new();
    for (table, key) in AUDITED {
        wanted.extend(trigger_sql(conn, table, key)?);
    }
    let mut stale = Vec::new();
    for (name, sql) in &wanted {
        let current: Option<String> = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .ok();
        if current.as_deref() != Some(sql.as_str()) {
            stale.push((name, sql));
        }
    }
    if stale.is_empty() {
        return Ok(());
    }
    crate::db::immediate(conn, || {
        for (name, sql) in &stale {
            conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}; {sql};"))?;
        }
        Ok(())
    })
}

impl AuditEntry {
    /// An entry from a row of [`SELECT`], read by column name.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let at: String = r.get("at")?;
        let table: String = r.get("table_name")?;
        Ok(AuditEntry {
            id: r.get("id")?,
            at: crate::clock::from_db(&at)
                .map(to_rfc3339_local)
                .unwrap_or(at),
            actor: r.get("actor")?,
            table_label: table_label(&table),
            table_name: table,
            record_key: r.get("record_key")?,
            action: r.get("action")?,
            field: r.get("field")?,
            old_value: r.get("old_value")?,
            new_value: r.get("new_value")?,
        })
    }
}

const SELECT: &str =
    "SELECT id, at, actor, table_name, record_key, action, field, old_value, new_value FROM audit_log";

impl Store {
    /// Who acts for this session, when a write does not say (the shells call it once at open:
    /// the app with its user and `None` ⇒ the database's current time; the CLI with `--as` and
    /// `--now`). Every write that knows its author and time says so through
    /// [`Store::begin_write`], for its own transaction only.
    pub fn set_session(&self, actor: &str, now: Option<DateTime<Utc>>) {
        if let Ok(mut c) = self.audit.lock() {
            c.session_actor = actor.to_string();
            c.session_now = now;
        }
    }

    /// Audit entries, newest first.
    pub fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut sql = format!("{SELECT} WHERE 1 = 1");
        let mut args: Vec<String> = vec![];
        if let Some(t) = q.table_name.as_ref().filter(|s| !s.trim().is_empty()) {
            args.push(t.trim().to_string());
            sql.push_str(&format!(" AND table_name = ?{}", args.len()));
        }
        if let Some(k) = q.record_key.as_ref().filter(|s| !s.trim().is_empty()) {
            args.push(k.trim().to_string());
            sql.push_str(&format!(" AND record_key = ?{}", args.len()));
        }
        if let Some(s) = q.search.as_ref().filter(|s| !s.trim().is_empty()) {
            args.push(format!("%{}%", s.trim()));
            let n = args.len();
            sql.push_str(&format!(
                " AND (actor LIKE ?{n} OR record_key LIKE ?{n} OR field LIKE ?{n} \
                 OR old_value LIKE ?{n} OR new_value LIKE ?{n})"
            ));
        }
        let limit = if q.limit <= 0 { -1 } else { q.limit };
        sql.push_str(&format!(
            " ORDER BY id DESC LIMIT {limit} OFFSET {}",
            q.offset.max(0)
        ));
        let mut st = self.conn.prepare(&sql)?;
        let rows = st
            .query_map(
                rusqlite::params_from_iter(args.iter()),
                AuditEntry::from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// History of one record (oldest first).
    pub fn audit_history(&self, table: &str, key: &str) -> Result<Vec<AuditEntry>> {
        let mut st = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE table_name = ?1 AND record_key = ?2 ORDER BY id"
        ))?;
        let rows = st
            .query_map(params![table, key], AuditEntry::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Writes the whole audit trail (or the filtered part) to `.csv` or `.xlsx` by extension.
    /// Returns the number of entries written.
    pub fn audit_export(&self, q: &AuditQuery, to: &Path) -> Result<usize> {
        let mut q = q.clone();
        q.limit = 0;
        q.offset = 0;
        let rows = self.audit_entries(&q)?;
        write_entries(&rows, to)?;
        Ok(rows.len())
    }
}

const HEADERS: [&str; 9] = [
    "Id",
    "Fecha y hora",
    "Quién",
    "Tabla",
    "Registro",
    "Acción",
    "Campo",
    "Valor anterior",
    "Valor nuevo",
];

fn action_label(a: &str) -> &str {
    match a {
        "create" => "creación",
        "update" => "modificación",
        "delete" => "eliminación",
        "anonymize" => "anonimización",
        other => other,
    }
}

fn row_cells(e: &AuditEntry) -> [String; 9] {
    [
        e.id.to_string(),
        e.at.clone(),
        e.actor.clone(),
        e.table_label.clone(),
        e.record_key.clone(),
        action_label(&e.action).to_string(),
        e.field.clone().unwrap_or_default(),
        e.old_value.clone().unwrap_or_default(),
        e.new_value.clone().unwrap_or_default(),
    ]
}

/// CSV (RFC 4180, UTF-8 with BOM so Excel shows accents) or XLSX, chosen by extension.
pub fn write_entries(rows: &[AuditEntry], to: &Path) -> Result<()> {
    let ext = to
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => {
            let mut out = String::from("\u{feff}");
            let line = |cells: &[String]| {
                cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            out.push_str(&line(&HEADERS.map(String::from)));
            out.push_str("\r\n");
            for e in rows {
                out.push_str(&line(&row_cells(e)));
                out.push_str("\r\n");
            }
            crate::files::write_output_private(to, out.as_bytes())
        }
        "xlsx" => {
            use rust_xlsxwriter::{Format, Workbook};
            let xerr = |e: rust_xlsxwriter::XlsxError| CoreError::Io {
                path: to.display().to_string(),
                source: std::io::Error::other(e.to_string()),
            };
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("Auditoría").map_err(xerr)?;
            let bold = Format::new().set_bold();
            for (c, h) in HEADERS.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold)
                    .map_err(xerr)?;
            }
            for (i, e) in rows.iter().enumerate() {
                let r = i as u32 + 1;
                ws.write_number(r, 0, e.id as f64).map_err(xerr)?;
                for (c, v) in row_cells(e).iter().enumerate().skip(1) {
                    ws.write_string(r, c as u16, v).map_err(xerr)?;
                }
            }
            ws.autofilter(0, 0, rows.len() as u32, 8).map_err(xerr)?;
            ws.set_freeze_panes(1, 0).map_err(xerr)?;
            let buf = wb.save_to_buffer().map_err(xerr)?;
            crate::files::write_output_private(to, &buf)
        }
        _ => Err(CoreError::validation(
            "--to",
            format!(
                "«{}»: use un archivo .csv o .xlsx",
                to.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default()
            ),
        )),
    }
}

fn csv_cell(s: &str) -> String {
    // Neutralise formula injection for spreadsheet programs.
    let risky = s.starts_with(['=', '+', '@'])
        || (s.starts_with('-') && !s[1..].starts_with(|c: char| c.is_ascii_digit()));
    let s = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}
