//! Audit trail (auditoría): who changed what, when, old → new, for cases, equipment, plans and
//! catalogs — read, filtered and exported here. The triggers that write it and the SQL
//! functions they read live below the store, in [`crate::db::audit_triggers`] (how it works, and
//! how to audit a new table).

use std::path::Path;

use crate::db::params;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::to_rfc3339_local;
use crate::error::{CoreError, Result};
use crate::store::Store;
use mesa_docwriter::xlsx;

pub use crate::db::audit_triggers::{
    install, register_functions, trigger_sql, AuditContext, AuditHandle, AUDITED, NOT_AUDITED,
};

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
        "ticket_links" => "Vínculos entre casos",
        "database" => "Base de datos",
        "person" => "Titular de datos",
        other => other,
    }
    .to_string()
}

impl AuditEntry {
    /// An entry from a row of [`SELECT`], read by column name.
    fn from_row(r: &crate::db::Row<'_>) -> crate::error::Result<Self> {
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
        // PostgreSQL: the connection's own `mesa.actor`/`mesa.at` (the write path overrides
        // them per transaction with SET LOCAL). A lost connection fails the next statement.
        let _ = self
            .conn
            .set_session_context(actor, now.map(crate::clock::to_db).as_deref());
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
        // No limit: the largest one (PostgreSQL refuses SQLite's `LIMIT -1`).
        let limit = if q.limit <= 0 { i64::MAX } else { q.limit };
        sql.push_str(&format!(
            " ORDER BY id DESC LIMIT {limit} OFFSET {}",
            q.offset.max(0)
        ));
        let mut st = self.conn.prepare(&sql)?;
        let rows = st
            .query_map(
                crate::db::params_from_iter(args.iter()),
                AuditEntry::from_row,
            )?
            .collect::<crate::error::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// History of one record (oldest first).
    pub fn audit_history(&self, table: &str, key: &str) -> Result<Vec<AuditEntry>> {
        // An equipment's key is its normalised placa; the screens hold the office's form.
        let key = match table {
            "assets" => crate::assets::normalize_tag(key).unwrap_or_else(|_| key.to_string()),
            _ => key.to_string(),
        };
        let mut st = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE table_name = ?1 AND record_key = ?2 ORDER BY id"
        ))?;
        let rows = st
            .query_map(params![table, key], AuditEntry::from_row)?
            .collect::<crate::error::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Writes the whole audit trail (or the filtered part) to `.csv` or `.xlsx` by extension.
    /// Returns the number of entries written.
    pub fn audit_export(&self, q: &AuditQuery, to: &Path) -> Result<usize> {
        let mut q = q.clone();
        q.limit = 0;
        q.offset = 0;
        let mut rows = self.audit_entries(&q)?;
        if q.table_name.is_none() && q.record_key.is_none() && q.search.is_none() {
            // The whole trail carries the access log too (logins, failures, locks).
            rows.extend(as_audit_entries(self.access_log(0)?));
        }
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
            use rust_xlsxwriter::Workbook;
            let xerr = |e: rust_xlsxwriter::XlsxError| CoreError::Io {
                path: to.display().to_string(),
                source: std::io::Error::other(e.to_string()),
            };
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("Auditoría").map_err(xerr)?;
            let bold = xlsx::bold();
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

/// The access log as rows of the audit trail's export (table «Registro de accesos»).
fn as_audit_entries(entries: Vec<crate::people::access::AccessEntry>) -> Vec<AuditEntry> {
    entries
        .into_iter()
        .map(|e| AuditEntry {
            id: e.id,
            at: e.at,
            actor: e.actor,
            table_name: "access_log".into(),
            table_label: "Registro de accesos".into(),
            record_key: e.login,
            action: e.event_label,
            field: None,
            old_value: None,
            new_value: e.detail,
        })
        .collect()
}
