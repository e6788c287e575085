//! The audit trail's machinery below the store: the triggers that write `audit_log`, and the
//! `mesa_actor()` / `mesa_now()` functions they read. Opened connections get both from `db.rs`;
//! reading, exporting and anonymising the trail is `audit.rs`, above the store.
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
//! Nothing is needed in the migration. `cargo test -p mesa-core --test suite audit::` checks that every
//! table of the schema is either audited or listed in [`NOT_AUDITED`] with its reason.
//! `mesa audit trigger-sql TABLE` prints the SQL that would be generated.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::clock::to_db;
use crate::error::Result;

/// Audited tables and the SQL expression (with `X.` for the row) of the key shown to people.
pub const AUDITED: &[(&str, &str)] = &[
    // cases
    ("tickets", "X.number"),
    (
        "ticket_followups",
        "coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), X.ticket_id)",
    ),
    (
        "surveys",
        "coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), X.ticket_id)",
    ),
    (
        "ticket_visits",
        "coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), X.ticket_id)",
    ),
    (
        "ticket_links",
        "coalesce((SELECT number FROM tickets WHERE id = X.from_ticket), X.from_ticket) || ' ' || X.kind || ' ' || coalesce((SELECT number FROM tickets WHERE id = X.to_ticket), X.to_ticket)",
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
    // stored management reports (analysis per indicator and conclusions)
    ("management_reports", "X.period_from || '/' || X.period_to"),
    // risk map (issue 18)
    ("risks", "X.code"),
    (
        "risk_controls",
        "coalesce((SELECT code FROM risks WHERE id = X.risk_id), X.risk_id) || '/' || X.position",
    ),
    // indicator sheets, values/analysis per period, dismissed suggestions (management)
    ("indicators", "X.code"),
    (
        "indicator_values",
        "coalesce((SELECT code FROM indicators WHERE id = X.indicator_id), X.indicator_id) || ' ' || X.period",
    ),
    (
        "indicator_dismissals",
        "coalesce((SELECT code FROM indicators WHERE id = X.indicator_id), X.indicator_id) || ' ' || X.first_period || '/' || X.last_period",
    ),
    // attachments of cases and equipment (issue 13)
    (
        "attachments",
        "coalesce((SELECT number FROM tickets WHERE id = X.ticket_id), (SELECT tag FROM assets WHERE id = X.asset_id), 'seguimiento ' || X.plan_followup_id, '') || '/' || X.id || ' ' || X.name",
    ),
    // improvement plan (issue 18)
    ("plan_findings", "X.number"),
    (
        "plan_causes",
        "coalesce((SELECT number FROM plan_findings WHERE id = X.finding_id), X.finding_id) || '/' || X.position",
    ),
    (
        "plan_actions",
        "coalesce((SELECT number FROM plan_findings WHERE id = X.finding_id), X.finding_id) || ' acción ' || X.id",
    ),
    (
        "plan_followups",
        "coalesce((SELECT f.number FROM plan_actions a JOIN plan_findings f ON f.id = a.finding_id WHERE a.id = X.action_id), X.action_id) || ' acción ' || X.action_id || ' seguimiento ' || X.id",
    ),
    // e-mail (issue 16): the account (no secret), incoming mails, the outbox, the templates
    ("mail_account", "X.address"),
    (
        "mail_messages",
        "'correo ' || X.id || coalesce(' ' || X.message_id, '')",
    ),
    (
        "mail_outbox",
        "'envío ' || X.id || ' ' || X.kind || ' ' || X.to_address",
    ),
    ("mail_templates", "X.kind"),
    // the OAuth2 application of the mail account and its reconnect state (issue 16, 0019)
    ("mail_oauth", "X.provider || ' ' || X.client_id"),
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
        "accounts",
        "cuentas: cada cambio queda en el registro de accesos (access_log), sin el hash de la contraseña",
    ),
    ("access_log", "registro de accesos: ya es de solo anexar"),
    (
        "plan_finding_counters",
        "contador técnico de consecutivos de hallazgos",
    ),
    (
        "decommission_counters",
        "contador técnico de consecutivos de conceptos de baja",
    ),
    (
        "ticket_counts",
        "conteo derivado de los casos, mantenido por disparadores",
    ),
    (
        "mail_sync",
        "posición técnica del recolector en el buzón (UIDVALIDITY y último UID)",
    ),
    (
        "mail_raw",
        "bytes del correo recibido, que no cambian; el correo queda auditado en mail_messages",
    ),
    (
        "mail_outbox_raw",
        "bytes del mensaje compuesto, que no cambian; el envío queda auditado en mail_outbox",
    ),
];

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

/// A handle with the default context (the session «sistema», the database's clock). On
/// PostgreSQL nothing reads it but the write path, which copies it to `SET LOCAL mesa.actor` /
/// `mesa.at` for each write transaction.
pub fn new_handle() -> AuditHandle {
    Arc::new(Mutex::new(AuditContext {
        session_actor: "sistema".into(),
        session_now: None,
        write: None,
    }))
}

/// Registers `mesa_actor()` / `mesa_now()` on `conn` and returns the handle that sets them.
pub fn register_functions(conn: &Connection) -> Result<AuditHandle> {
    let ctx = new_handle();
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
// pg: the PostgreSQL schema has its own PL/pgSQL triggers (an error here on that engine).
pub fn trigger_sql(
    db: &super::engine::Db,
    table: &str,
    key: &str,
) -> Result<Vec<(String, String)>> {
    trigger_sql_sqlite(db.sqlite_native()?, table, key)
}

fn trigger_sql_sqlite(conn: &Connection, table: &str, key: &str) -> Result<Vec<(String, String)>> {
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
        wanted.extend(trigger_sql_sqlite(conn, table, key)?);
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
    // Like a migration, at open time and in its own transaction (not a user's write).
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    for (name, sql) in &stale {
        tx.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}; {sql};"))?;
    }
    tx.commit()?;
    Ok(())
}
