//! The PostgreSQL schema (migrations/pg) against the SQLite one, on a real server (issue 17).
#![cfg_attr(windows, allow(unused_imports))]

use std::collections::BTreeMap;

use mesa_core::db::audit_triggers::{AUDITED, NOT_AUDITED};
use mesa_core::db::pg;
use rusqlite::Connection;

use super::pg_support::{migrated_db, TestDb};

const WIN: &str = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)";

/// SQLite tables whose columns must exist on PostgreSQL (FTS5 tables are replaced by an index).
fn sqlite_tables(c: &Connection) -> Vec<String> {
    let mut st = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
              AND name NOT LIKE 'tickets_fts%' ORDER BY name",
        )
        .unwrap();
    st.query_map([], |r| r.get::<_, String>("name"))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn pg_columns(c: &mut postgres::Client, table: &str) -> BTreeMap<String, (String, Option<String>)> {
    c.query(
        "SELECT column_name::text AS name, data_type::text AS ty, collation_name::text AS coll
           FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1",
        &[&table],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get("name"), (r.get("ty"), r.get("coll"))))
    .collect()
}

fn compatible(sqlite_type: &str, pg_type: &str) -> bool {
    match sqlite_type.to_ascii_uppercase().as_str() {
        "INTEGER" => pg_type == "bigint",
        "REAL" => pg_type == "double precision",
        "TEXT" => pg_type == "text",
        "BLOB" => pg_type == "bytea",
        _ => false,
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn every_sqlite_table_and_column_exists_on_postgresql_with_a_compatible_type() {
    let _ = WIN;
    let lite_db = mesa_core::db::open_in_memory().unwrap();
    let lite = lite_db.sqlite_native().unwrap();
    let db = migrated_db();
    let mut pgc = db.connect();
    let pg_tables = pg::tables(&mut pgc).unwrap();
    let lite_tables = sqlite_tables(lite);
    let mut problems = vec![];
    for t in &lite_tables {
        let cols = pg_columns(&mut pgc, t);
        if cols.is_empty() {
            problems.push(format!("{t}: falta la tabla en PostgreSQL"));
            continue;
        }
        let mut st = lite
            .prepare(&format!("PRAGMA table_info(\"{t}\")"))
            .unwrap();
        let lite_cols: Vec<(String, String)> = st
            .query_map([], |r| Ok((r.get("name")?, r.get("type")?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for (c, ty) in &lite_cols {
            match cols.get(c) {
                None => problems.push(format!("{t}.{c}: falta la columna en PostgreSQL")),
                Some((pty, _)) if !compatible(ty, pty) => {
                    problems.push(format!("{t}.{c}: {ty} en SQLite, {pty} en PostgreSQL"))
                }
                _ => {}
            }
        }
        for c in cols.keys() {
            if !lite_cols.iter().any(|(n, _)| n == c) {
                problems.push(format!("{t}.{c}: columna solo en PostgreSQL"));
            }
        }
    }
    for t in &pg_tables {
        if !lite_tables.contains(t) && !pg::PG_ONLY_TABLES.iter().any(|(n, _)| n == t) {
            problems.push(format!("{t}: tabla solo en PostgreSQL"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(lite_tables.len() >= 49, "{lite_tables:?}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn nocase_columns_are_case_insensitive_on_postgresql() {
    let lite = mesa_core::db::open_in_memory().unwrap();
    let re_col = |sql: &str| -> Vec<String> {
        // `name TEXT NOT NULL UNIQUE COLLATE NOCASE,` → name
        sql.lines()
            .filter(|l| l.contains("COLLATE NOCASE"))
            .filter_map(|l| l.split_whitespace().next().map(|s| s.to_string()))
            .collect()
    };
    let mut st = lite
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%NOCASE%'")
        .unwrap();
    let nocase: Vec<(String, String)> = st
        .query_map([], |r| Ok((r.get("name")?, r.get("sql")?)))
        .unwrap()
        .map(|r| r.unwrap())
        .flat_map(|(t, sql): (String, String)| {
            re_col(&sql).into_iter().map(move |c| (t.clone(), c))
        })
        .collect();
    assert!(nocase.len() >= 5, "{nocase:?}");
    let db = migrated_db();
    let mut c = db.connect();
    for (t, col) in &nocase {
        let cols = pg_columns(&mut c, t);
        assert_eq!(
            cols[col].1.as_deref(),
            Some("mesa_nocase"),
            "{t}.{col} sin intercalación insensible a mayúsculas"
        );
    }
    // Unique regardless of case, found regardless of case.
    c.batch_execute("SET mesa.actor = 'prueba'").unwrap();
    let e = c
        .execute("INSERT INTO departments(name) VALUES ('TESORERÍA')", &[])
        .unwrap_err();
    assert_eq!(e.code(), Some(&postgres::error::SqlState::UNIQUE_VIOLATION));
    let n: i64 = c
        .query_one(
            "SELECT count(*) AS n FROM departments WHERE name = 'tesorería'",
            &[],
        )
        .unwrap()
        .get("n");
    assert_eq!(n, 1);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn seeded_catalogs_equal_a_new_sqlite_database() {
    let lite_db = mesa_core::db::open_in_memory().unwrap();
    let lite = lite_db.sqlite_native().unwrap();
    let db = migrated_db();
    let mut c = db.connect();
    for t in sqlite_tables(lite) {
        if t == "schema_migrations" {
            continue;
        }
        // The seeded risks carry the time the schema was created.
        let skip: &[&str] = if t == "risks" {
            &["created_at", "updated_at"]
        } else {
            &[]
        };
        mesa_core::db::pg::copy::compare_all(lite, &mut c, &t, skip)
            .unwrap_or_else(|e| panic!("{t}: {e}"));
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn every_audited_table_has_its_trigger_and_no_other_does() {
    let db = migrated_db();
    let mut c = db.connect();
    let with: Vec<String> = c
        .query(
            "SELECT c.relname::text AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
              JOIN pg_proc p ON p.oid = g.tgfoid WHERE p.proname = 'mesa_audit' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get("t"))
        .collect();
    let mut audited: Vec<String> = AUDITED.iter().map(|(t, _)| t.to_string()).collect();
    audited.sort();
    assert_eq!(with, audited);
    for (t, _) in NOT_AUDITED {
        assert!(!with.iter().any(|w| w == t), "{t}");
    }
}

/// One write as the write path does it (actor and instant set for the transaction); the
/// server's message on failure.
fn write(c: &mut postgres::Client, actor: &str, sql: &str) -> Result<(), String> {
    let msg = |e: postgres::Error| {
        e.as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string())
    };
    let mut tx = c.transaction().map_err(msg)?;
    tx.execute("SELECT set_config('mesa.actor', $1, true)", &[&actor])
        .map_err(msg)?;
    tx.batch_execute("SET LOCAL mesa.at = '2026-03-10T15:00:00Z'")
        .map_err(msg)?;
    tx.batch_execute(sql).map_err(msg)?;
    tx.commit().map_err(msg)
}

const CASE: &str = "INSERT INTO tickets(number, year, seq, registered_at, requester, department,
    channel, origin, priority, status, description) VALUES ('MA-2026-0001', 2026, 1,
    '2026-03-10T15:00:00Z', 'José Pérez', 'Tesorería', 'correo', 'interna', 'Media', 'new',
    'La impresora de Tesorería no imprime')";

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn the_audit_trail_records_the_actor_and_a_change_without_author_is_refused() {
    let db = migrated_db();
    let mut c = db.connect();
    write(&mut c, "Ana Ruiz", CASE).unwrap();
    write(
        &mut c,
        "Luis Gómez",
        "UPDATE tickets SET status = 'assigned', assignee = 'Técnico de sistemas' WHERE seq = 1",
    )
    .unwrap();
    let rows = c
        .query(
            "SELECT at, actor, table_name, record_key, action, field, old_value, new_value
               FROM audit_log ORDER BY id",
            &[],
        )
        .unwrap();
    type AuditRow = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let got: Vec<AuditRow> = rows
        .iter()
        .map(|r| {
            (
                r.get("at"),
                r.get("actor"),
                r.get("record_key"),
                r.get("action"),
                r.get("field"),
                r.get("new_value"),
            )
        })
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(
        (&got[0].1[..], &got[0].2[..], &got[0].3[..]),
        ("Ana Ruiz", "MA-2026-0001", "create")
    );
    assert_eq!(got[0].0, "2026-03-10T15:00:00Z");
    let created: serde_json::Value = serde_json::from_str(got[0].5.as_deref().unwrap()).unwrap();
    assert_eq!(created["requester"], "José Pérez");
    // One row per changed column, in column order (as SQLite's trigger writes them).
    assert_eq!(got[1].4.as_deref(), Some("assignee"));
    assert_eq!(got[2].4.as_deref(), Some("status"));
    assert_eq!(got[2].5.as_deref(), Some("assigned"));
    assert_eq!(got[2].1, "Luis Gómez");
    // ticket_counts follows the status (as SQLite's triggers).
    let n: i64 = c
        .query_one(
            "SELECT n FROM ticket_counts WHERE status = 'assigned' AND department = 'Tesorería'",
            &[],
        )
        .unwrap()
        .get("n");
    assert_eq!(n, 1);
    // Without an author (psql, another program): refused, nothing changed.
    let e = c
        .execute("UPDATE tickets SET requester = 'Otro'", &[])
        .unwrap_err();
    let m = e
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_default();
    assert!(m.contains("cambio sin autor"), "{e:?}");
    let r: String = c
        .query_one("SELECT requester FROM tickets", &[])
        .unwrap()
        .get("requester");
    assert_eq!(r, "José Pérez");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn append_only_tables_refuse_changes_but_allow_anonymising() {
    let db = migrated_db();
    let mut c = db.connect();
    write(&mut c, "Ana", CASE).unwrap();
    for (sql, msg) in [
        ("DELETE FROM audit_log", "no se borra"),
        ("UPDATE audit_log SET actor = 'Otro'", "no se modifica"),
        (
            "INSERT INTO access_log(at, login, event, actor) VALUES ('2026-03-10T15:00:00Z', 'ana', 'login', 'ana'); DELETE FROM access_log",
            "no se borra",
        ),
    ] {
        let e = write(&mut c, "Ana", sql).unwrap_err();
        assert!(e.to_string().contains(msg), "{sql}: {e}");
    }
    write(
        &mut c,
        "Ana",
        "UPDATE audit_log SET new_value = '[anonimizado]' WHERE action = 'create'",
    )
    .unwrap();
    let v: String = c
        .query_one(
            "SELECT new_value FROM audit_log WHERE action = 'create'",
            &[],
        )
        .unwrap()
        .get("new_value");
    assert_eq!(v, "[anonimizado]");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn full_text_search_ignores_accents_and_case_and_matches_prefixes_with_the_index() {
    let db = migrated_db();
    let mut c = db.connect();
    write(&mut c, "Ana", CASE).unwrap();
    let find = |c: &mut postgres::Client, q: &str| -> i64 {
        c.query_one(
            "SELECT count(*) AS n FROM ticket_search WHERE doc @@ mesa_fts_query($1)",
            &[&q],
        )
        .unwrap()
        .get("n")
    };
    for q in [
        "tesoreria",
        "TESORERÍA",
        "impre",
        "jose perez",
        "MA-2026-0001",
        "2026",
    ] {
        assert_eq!(find(&mut c, q), 1, "{q}");
    }
    for q in ["impresoras", "mouse", "jose mouse"] {
        assert_eq!(find(&mut c, q), 0, "{q}");
    }
    // Punctuation and quotes in the search text are words, never query syntax.
    assert_eq!(find(&mut c, "'tesor' & !"), 1);
    assert_eq!(find(&mut c, "  "), 0);
    // The document follows the case: a corrected description, a deleted case.
    write(
        &mut c,
        "Ana",
        "UPDATE tickets SET description = 'El monitor parpadea' WHERE number = 'MA-2026-0001'",
    )
    .unwrap();
    assert_eq!(find(&mut c, "impre"), 0);
    assert_eq!(find(&mut c, "parpadea monitor"), 1);
    assert_eq!(find(&mut c, "jose perez"), 1, "las demás columnas siguen");
    c.batch_execute("SET enable_seqscan = off").unwrap();
    let plan: String = c
        .query(
            "EXPLAIN SELECT ticket_id FROM ticket_search WHERE doc @@ mesa_fts_query('parpa')",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(plan.contains("ticket_search_doc"), "{plan}");
    c.batch_execute("RESET enable_seqscan").unwrap();
    write(
        &mut c,
        "Ana",
        "DELETE FROM tickets WHERE number = 'MA-2026-0001'",
    )
    .unwrap();
    let left: i64 = c
        .query_one("SELECT count(*) AS n FROM ticket_search", &[])
        .unwrap()
        .get("n");
    assert_eq!(left, 0, "el documento se va con su caso");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn compatibility_functions_give_sqlites_results() {
    let db = migrated_db();
    let mut c = db.connect();
    let lite = Connection::open_in_memory().unwrap();
    for expr in [
        "strftime('%Y-%m-%dT%H:%M:%SZ', '2026-03-10T15:04:05Z')",
        "strftime('%Y', '2026-03-10')",
        "strftime('%d/%m/%Y %H:%M', '2026-12-31 23:59:00')",
        "instr('Tesorería', 'ría')",
        "instr('abc', 'z')",
        "json_extract('{\"demo\":\"sí\",\"a\":{\"b\":\"c\"}}', '$.demo')",
        "json_extract('{\"demo\":\"sí\",\"a\":{\"b\":\"c\"}}', '$.a.b')",
        "json_extract('{\"demo\":\"sí\"}', '$.otro')",
    ] {
        let l: Option<String> = lite
            .query_row(&format!("SELECT CAST({expr} AS TEXT)"), [], |r| r.get(0))
            .unwrap();
        let p: Option<String> = c
            .query_one(&format!("SELECT CAST({expr} AS TEXT)"), &[])
            .unwrap()
            .get(0);
        assert_eq!(l, p, "{expr}");
    }
    let l: f64 = lite
        .query_row("SELECT julianday('2026-03-10T12:00:00Z')", [], |r| r.get(0))
        .unwrap();
    let p: f64 = c
        .query_one("SELECT julianday('2026-03-10T12:00:00Z')", &[])
        .unwrap()
        .get(0);
    assert!((l - p).abs() < 1e-6, "{l} {p}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn migrating_again_is_a_no_op_and_edited_newer_or_foreign_schemas_are_refused() {
    let db: TestDb = migrated_db();
    let mut c = db.connect();
    pg::migrate(&mut c).unwrap();
    assert_eq!(pg::schema_version(&mut c).unwrap(), pg::latest_version());
    c.batch_execute("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1")
        .unwrap();
    assert_eq!(
        pg::migrate(&mut c).unwrap_err().code(),
        "migration_checksum"
    );
    c.batch_execute(
        "UPDATE schema_migrations SET checksum = 'y' WHERE version = 1;
         INSERT INTO schema_migrations(version, name, checksum) VALUES (99, '0099_x.sql', 'z')",
    )
    .unwrap();
    assert_eq!(pg::migrate(&mut c).unwrap_err().code(), "database_too_new");

    let other = super::pg_support::empty_db();
    let mut o = other.connect();
    o.batch_execute("CREATE TABLE clientes(id int)").unwrap();
    let e = pg::migrate(&mut o).unwrap_err();
    assert_eq!(e.code(), "server");
    assert!(e.to_string().contains("no son de Mesa de Ayuda TI"), "{e}");
    // An empty database is migrated from scratch, and the server passes the checks.
    let fresh = super::pg_support::empty_db();
    let mut f = fresh.connect();
    let info = pg::check_server(&mut f).unwrap();
    assert!(info.version_num >= pg::MIN_SERVER_VERSION);
    pg::migrate(&mut f).unwrap();
    assert_eq!(pg::schema_version(&mut f).unwrap(), pg::latest_version());
}

/// A case looked up by its number, case-insensitively (`number = $1 COLLATE mesa_nocase`, what
/// opening a case, every action and registration do), uses an index: without 0005's index in
/// that collation every lookup compared all the cases under ICU (100–300 ms at 200,000).
#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_case_looked_up_by_its_number_ignoring_case_uses_an_index() {
    let db = migrated_db();
    let mut c = db.connect();
    c.batch_execute("SET enable_seqscan = off").unwrap();
    let plan: String = c
        .query(
            "EXPLAIN SELECT id FROM tickets WHERE number = $1 COLLATE mesa_nocase",
            &[&"ma-2026-0001"],
        )
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(plan.contains("tickets_number_nocase"), "{plan}");
}
