//! Audit trail: an entry for every kind of change (case create/update, catalogs, settings,
//! equipment, plans, deletes), who and when, append-only, triggers that follow the schema, and
//! the CSV/XLSX export read back.

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use mesa_core::assets::NewAsset;
use mesa_core::clock::parse_time_input;
use mesa_core::maintenance::NewLog;
use mesa_core::safety::audit::{self, AuditQuery};
use mesa_core::*;
use rusqlite::Connection;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn new_case(s: &mut Store, who: &str) -> Ticket {
    let i = NewTicket {
        requester: who.into(),
        department: "Tesorería".into(),
        description: "La impresora no imprime".into(),
        email: Some("ana@indupal.gov.co".into()),
        ..Default::default()
    };
    s.create_ticket(&i, "Ana Técnica", at("2026-03-02T09:00"))
        .unwrap()
}

fn entries(s: &Store, table: &str, key: &str) -> Vec<audit::AuditEntry> {
    s.audit_history(table, key).unwrap()
}

#[test]
fn case_create_and_update_are_recorded_with_who_when_old_and_new() {
    let mut s = crate::support::store();
    let t = new_case(&mut s, "Ana Gutiérrez");
    let h = entries(&s, "tickets", &t.number);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].action, "create");
    assert_eq!(h[0].actor, "Ana Técnica");
    assert_eq!(h[0].at, "2026-03-02T09:00:00-05:00");
    let snap: serde_json::Value = serde_json::from_str(h[0].new_value.as_ref().unwrap()).unwrap();
    assert_eq!(snap["requester"], "Ana Gutiérrez");
    assert_eq!(snap["number"], t.number.as_str());

    s.apply_action(
        &t.number,
        &TicketAction::Assign {
            to: "Ingeniero de sistemas".into(),
        },
        "Luis Jefe",
        at("2026-03-02T10:30"),
    )
    .unwrap();
    let h = entries(&s, "tickets", &t.number);
    let assign: Vec<_> = h
        .iter()
        .filter(|e| e.field.as_deref() == Some("assignee"))
        .collect();
    assert_eq!(assign.len(), 1);
    assert_eq!(assign[0].action, "update");
    assert_eq!(assign[0].actor, "Luis Jefe");
    assert_eq!(assign[0].at, "2026-03-02T10:30:00-05:00");
    assert_eq!(assign[0].old_value, None);
    assert_eq!(
        assign[0].new_value.as_deref(),
        Some("Ingeniero de sistemas")
    );
    let status: Vec<_> = h
        .iter()
        .filter(|e| e.field.as_deref() == Some("status"))
        .collect();
    assert_eq!(status[0].old_value.as_deref(), Some("new"));
    assert_eq!(status[0].new_value.as_deref(), Some("assigned"));
    // unchanged columns are not recorded
    assert!(h.iter().all(|e| e.field.as_deref() != Some("requester")));
    // cancelling keeps the case (anulado) and records the change
    s.apply_action(
        &t.number,
        &TicketAction::Cancel {
            reason: "Duplicado".into(),
        },
        "Luis Jefe",
        at("2026-03-02T11:00"),
    )
    .unwrap();
    let h = entries(&s, "tickets", &t.number);
    assert!(h.iter().any(
        |e| e.field.as_deref() == Some("status") && e.new_value.as_deref() == Some("cancelled")
    ));
    assert_eq!(
        s.get_ticket(&t.number, at("2026-03-02T11:00"))
            .unwrap()
            .ticket
            .status,
        TicketStatus::Cancelled
    );
}

#[test]
fn catalog_and_settings_changes_are_recorded() {
    let mut s = crate::support::store();
    s.set_session("Administrador", Some(at("2026-03-02T08:00")));
    s.upsert_staff("Pedro Técnico", "tecnico", 1).unwrap();
    s.upsert_staff("Pedro Técnico", "ingeniero", 2).unwrap();
    let h = entries(&s, "staff", "Pedro Técnico");
    assert_eq!(h[0].action, "create");
    let upd: Vec<_> = h
        .iter()
        .filter(|e| e.action == "update")
        .map(|e| {
            (
                e.field.clone().unwrap(),
                e.old_value.clone(),
                e.new_value.clone(),
            )
        })
        .collect();
    assert!(
        upd.contains(&(
            "role".into(),
            Some("tecnico".into()),
            Some("ingeniero".into())
        )),
        "{upd:?}"
    );
    assert!(
        upd.contains(&("level".into(), Some("1".into()), Some("2".into()))),
        "{upd:?}"
    );
    assert!(h.iter().all(|e| e.actor == "Administrador"));

    s.set_setting("ticket_prefix", "MDA").unwrap();
    let h = entries(&s, "settings", "ticket_prefix");
    assert_eq!(h.len(), 1);
    assert_eq!(
        (h[0].old_value.as_deref(), h[0].new_value.as_deref()),
        (Some("MA"), Some("MDA"))
    );

    // a delete keeps the whole row in the trail
    s.connection()
        .execute("DELETE FROM departments WHERE name = 'Almacén'", [])
        .unwrap();
    let h = entries(&s, "departments", "Almacén");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].action, "delete");
    assert!(h[0]
        .old_value
        .as_ref()
        .unwrap()
        .contains("\"name\":\"Almacén\""));
}

#[test]
fn equipment_and_plans_changes_are_recorded() {
    let s = crate::support::store();
    s.set_session("Técnico de sistemas", Some(at("2026-03-02T08:00")));
    let c = s.connection();
    c.execute(
        "INSERT INTO assets(tag, kind, brand, created_at, updated_at, custodian)
         VALUES ('IND0001', 'computador de escritorio', 'Lenovo', '2026-03-02T13:00:00Z', '2026-03-02T13:00:00Z', 'Ana')",
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE assets SET custodian = 'Luis', status = 'fair' WHERE tag = 'IND0001'",
        [],
    )
    .unwrap();
    let h = entries(&s, "assets", "IND0001");
    assert_eq!(h[0].action, "create");
    let fields: Vec<_> = h.iter().filter_map(|e| e.field.clone()).collect();
    assert!(
        fields.contains(&"custodian".to_string()) && fields.contains(&"status".to_string()),
        "{fields:?}"
    );
    c.execute(
        "INSERT INTO maintenance_plans(year, name, created_at, created_by) VALUES (2026, 'Plan 2026', '2026-01-02T13:00:00Z', 'Ing')",
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE maintenance_plans SET name = 'Plan de mantenimiento 2026' WHERE year = 2026",
        [],
    )
    .unwrap();
    let h = entries(&s, "maintenance_plans", "2026");
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].old_value.as_deref(), Some("Plan 2026"));
    c.execute("DELETE FROM maintenance_plans WHERE year = 2026", [])
        .unwrap();
    assert_eq!(
        entries(&s, "maintenance_plans", "2026")
            .last()
            .unwrap()
            .action,
        "delete"
    );
}

#[test]
fn the_trail_is_append_only_except_redaction() {
    let mut s = crate::support::store();
    new_case(&mut s, "Ana Gutiérrez");
    let c = s.connection();
    let e = c
        .execute("UPDATE audit_log SET actor = 'otro'", [])
        .unwrap_err();
    assert!(e.to_string().contains("no se modifica"), "{e}");
    let e = c.execute("DELETE FROM audit_log", []).unwrap_err();
    assert!(e.to_string().contains("no se borra"), "{e}");
    let e = c
        .execute("UPDATE audit_log SET new_value = 'otra cosa'", [])
        .unwrap_err();
    assert!(e.to_string().contains("no se modifica"), "{e}");
    // only the redaction marker is accepted
    c.execute("UPDATE audit_log SET new_value = '[anonimizado]'", [])
        .unwrap();
    // the case timeline keeps refusing edits
    let e = c
        .execute("UPDATE ticket_events SET actor = 'otro'", [])
        .unwrap_err();
    assert!(e.to_string().contains("no se modifica"), "{e}");
}

#[test]
fn every_table_is_audited_or_excluded_with_a_reason() {
    let s = crate::support::store();
    let c = s.connection();
    let postgres = c.engine() == mesa_core::db::Engine::Postgres;
    let mut st = c
        .prepare(if postgres {
            "SELECT table_name::text AS name FROM information_schema.tables
              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE '%_fts%' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        })
        .unwrap();
    let tables: Vec<String> = st
        .query_map([], |r| r.get("name"))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(tables.len() > 30, "{tables:?}");
    for t in &tables {
        // What only PostgreSQL has (attachment content, the day's dump), with its reason.
        #[cfg(feature = "postgres")]
        if postgres
            && mesa_core::db::pg::PG_ONLY_TABLES
                .iter()
                .any(|(n, _)| n == t)
        {
            continue;
        }
        let audited = audit::AUDITED.iter().any(|(a, _)| a == t);
        let excluded = audit::NOT_AUDITED.iter().any(|(a, _)| a == t);
        assert!(
            audited || excluded,
            "la tabla «{t}» no está en audit::AUDITED ni en audit::NOT_AUDITED (vea audit.rs)"
        );
        if !audited {
            continue;
        }
        if postgres {
            // One PL/pgSQL trigger per table for the three operations (mesa_audit).
            let n: i64 = c
                .query_row(
                    "SELECT count(*) AS n FROM pg_trigger g JOIN pg_class k ON k.oid = g.tgrelid
                      WHERE k.relname = ?1 AND g.tgname = ?2",
                    [t.clone(), format!("audit_{t}")],
                    |r| r.get("n"),
                )
                .unwrap();
            assert_eq!(n, 1, "falta el disparador audit_{t}");
            continue;
        }
        for suffix in ["ai", "au", "ad"] {
            let n: i64 = c
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                    [format!("audit_{t}_{suffix}")],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 1, "falta el disparador audit_{t}_{suffix}");
        }
    }
}

/// PostgreSQL's side of the next test: the generic trigger covers a new column by itself, and a
/// program other than the app (no `mesa.actor`) cannot change an audited table.
#[cfg(feature = "postgres")]
#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn on_postgresql_new_columns_are_audited_and_outside_tools_cannot_write_silently() {
    let t = crate::pg_support::migrated_db();
    let target = mesa_core::db::pg::PgTarget::parse(&t.url()).unwrap();
    let mut psql = t.connect();
    psql.batch_execute("ALTER TABLE departments ADD COLUMN code TEXT")
        .unwrap();
    let e = psql
        .execute(
            "UPDATE departments SET active = 0 WHERE name = 'Tesorería'",
            &[],
        )
        .unwrap_err();
    let message = e.as_db_error().map(|d| d.message().to_string());
    assert!(
        message
            .as_deref()
            .unwrap_or("")
            .contains("cambio sin autor"),
        "{e}: {message:?}"
    );
    let s = Store::open_server(&target, None).unwrap();
    s.set_session("Ana", Some(at("2026-03-02T08:00")));
    s.connection()
        .execute(
            "UPDATE departments SET code = 'TES' WHERE name = 'Tesorería'",
            [],
        )
        .unwrap();
    let h = entries(&s, "departments", "Tesorería");
    let last = h.last().unwrap();
    assert_eq!(last.field.as_deref(), Some("code"));
    assert_eq!(last.new_value.as_deref(), Some("TES"));
    assert_eq!(last.actor, "Ana");
    let when = chrono::DateTime::parse_from_rfc3339(&last.at).unwrap();
    assert_eq!(when.with_timezone(&Utc), at("2026-03-02T08:00"));
    // `mesa audit trigger-sql`: the server's definition of the table's one trigger.
    let sql = audit::trigger_sql(s.connection(), "departments", "X.name").unwrap();
    assert_eq!(sql.len(), 1, "{sql:?}");
    assert_eq!(sql[0].0, "audit_departments");
    assert!(sql[0].1.contains("mesa_audit('X.name')"), "{}", sql[0].1);
    assert!(audit::trigger_sql(s.connection(), "no_existe", "X.id")
        .unwrap()
        .is_empty());
}

#[test]
fn triggers_follow_new_columns_and_outside_tools_cannot_write_silently() {
    if crate::support::skip_on_postgres(
        "disparadores de SQLite generados al abrir el archivo (en PostgreSQL: \
         on_postgresql_new_columns_are_audited_and_outside_tools_cannot_write_silently)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = paths::db_path(dir.path());
    drop(Store::open(&db).unwrap());
    {
        // a later migration adds a column (simulated)
        let c = Connection::open(&db).unwrap();
        c.execute_batch("ALTER TABLE departments ADD COLUMN code TEXT")
            .unwrap();
        // without the app's functions, audited tables cannot be changed
        let e = c
            .execute(
                "UPDATE departments SET active = 0 WHERE name = 'Tesorería'",
                [],
            )
            .unwrap_err();
        assert!(
            e.to_string().contains("mesa_actor") || e.to_string().contains("mesa_now"),
            "{e}"
        );
    }
    let s = Store::open(&db).unwrap();
    s.connection()
        .execute(
            "UPDATE departments SET code = 'TES' WHERE name = 'Tesorería'",
            [],
        )
        .unwrap();
    let h = entries(&s, "departments", "Tesorería");
    assert_eq!(h.last().unwrap().field.as_deref(), Some("code"));
    assert_eq!(h.last().unwrap().new_value.as_deref(), Some("TES"));
}

#[test]
fn export_to_csv_and_xlsx() {
    let mut s = crate::support::store();
    for k in 0..5 {
        new_case(&mut s, &format!("Persona {k}"));
    }
    s.set_setting("entity_nit", "=1+1").unwrap();
    let all = s.audit_entries(&AuditQuery::default()).unwrap();
    assert!(all.len() >= 6);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("auditoria.csv");
    assert_eq!(
        s.audit_export(&AuditQuery::default(), &csv).unwrap(),
        all.len()
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Id,Fecha y hora,Quién,Tabla,Registro,Acción,Campo,Valor anterior,Valor nuevo"
    );
    assert!(text.contains("'=1+1"), "fórmula neutralizada");
    assert!(text.contains("Casos,MA-2026-0001,creación"));

    let xlsx = dir.path().join("auditoria.xlsx");
    s.audit_export(
        &AuditQuery {
            table_name: Some("tickets".into()),
            ..Default::default()
        },
        &xlsx,
    )
    .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let r = wb.worksheet_range("Auditoría").unwrap();
    assert_eq!(r.height(), 6);
    assert_eq!(r.get((0, 5)), Some(&Data::String("Acción".into())));
    assert_eq!(r.get((1, 3)), Some(&Data::String("Casos".into())));
    let e = s
        .audit_export(&AuditQuery::default(), &dir.path().join("x.txt"))
        .unwrap_err();
    assert_eq!(e.code(), "validation");
}

/// Issue 12's defect: the audit context was pinned by the last case action (its author and
/// time) and equipment, maintenance and catalog writes never set their own, so an equipment
/// change hours later was audited under the case action's author and time.
#[test]
fn every_write_is_audited_with_its_own_author_and_time() {
    let mut s = crate::support::store();
    s.set_session("Sesión", None);
    // T1, by A: a case.
    let t = s
        .create_ticket(
            &NewTicket {
                requester: "Ana Gutiérrez".into(),
                department: "Tesorería".into(),
                description: "No imprime".into(),
                ..Default::default()
            },
            "Técnica A",
            at("2026-03-02T09:00"),
        )
        .unwrap();
    // T2, by B: equipment registered and changed.
    let asset = NewAsset {
        tag: "IND0001".into(),
        kind: "Computador de escritorio".into(),
        custodian: Some("Ana".into()),
        ..Default::default()
    };
    s.create_asset(&asset, "Ingeniero B", at("2026-03-02T14:30"))
        .unwrap();
    s.update_asset(
        "IND0001",
        &NewAsset {
            custodian: Some("Luis".into()),
            ..asset.clone()
        },
        "Ingeniero B",
        at("2026-03-02T15:45"),
    )
    .unwrap();
    let case = entries(&s, "tickets", &t.number);
    assert_eq!(
        (case[0].actor.as_str(), case[0].at.as_str()),
        ("Técnica A", "2026-03-02T09:00:00-05:00")
    );
    let h = entries(&s, "assets", "IND0001");
    let create = h.iter().find(|e| e.action == "create").unwrap();
    assert_eq!(
        (create.actor.as_str(), create.at.as_str()),
        ("Ingeniero B", "2026-03-02T14:30:00-05:00")
    );
    let update = h
        .iter()
        .find(|e| e.action == "update" && e.field.as_deref() == Some("custodian"))
        .unwrap();
    assert_eq!(
        (update.actor.as_str(), update.at.as_str()),
        ("Ingeniero B", "2026-03-02T15:45:00-05:00")
    );
    // After the write, a write that carries no author is the session's again (not B's, not
    // 15:45): a catalog change.
    s.upsert_staff("Pedro Técnico", "tecnico", 1).unwrap();
    let staff = entries(&s, "staff", "Pedro Técnico");
    assert_eq!(staff[0].actor, "Sesión");
    assert_ne!(staff[0].at, "2026-03-02T15:45:00-05:00");
    // A failed write (rolled back) does not leave its author behind either.
    let err = s.create_asset(&asset, "Contratista C", at("2026-03-03T08:00"));
    assert!(err.is_err());
    s.upsert_staff("Otra Persona", "tecnico", 1).unwrap();
    assert_eq!(entries(&s, "staff", "Otra Persona")[0].actor, "Sesión");
}

/// Plans and the verification of a maintenance log were written outside the write path and
/// audited under the session's author: now each carries the person who acted, at their time.
#[test]
fn plans_and_log_verifications_are_audited_under_who_acted() {
    let mut s = crate::support::store();
    s.set_session("Sesión", None);
    s.create_plan(2026, None, "Ingeniera Plan", at("2026-01-15T10:00"))
        .unwrap();
    let plan = entries(&s, "maintenance_plans", "2026");
    assert_eq!(
        (plan[0].actor.as_str(), plan[0].at.as_str()),
        ("Ingeniera Plan", "2026-01-15T10:00:00-05:00")
    );
    s.create_asset(
        &NewAsset {
            tag: "IND0001".into(),
            kind: "Computador de escritorio".into(),
            ..Default::default()
        },
        "Técnico",
        at("2026-01-15T11:00"),
    )
    .unwrap();
    let log = s
        .create_log(
            &NewLog {
                asset_tags: vec!["IND0001".into()],
                performed_on: Some("2026-01-16".into()),
                activity: Some("Limpieza interna".into()),
                findings: Some("Sin novedad".into()),
                ..Default::default()
            },
            "Técnico",
            at("2026-01-16T16:00"),
        )
        .unwrap();
    s.verify_log(
        log.id,
        "Ingeniero Verificador",
        None,
        None,
        at("2026-01-20T09:30"),
    )
    .unwrap();
    let h = entries(&s, "maintenance_logs", &log.id.to_string());
    let v = h
        .iter()
        .find(|e| e.action == "update" && e.field.as_deref() == Some("verified_by"))
        .unwrap();
    assert_eq!(
        (v.actor.as_str(), v.at.as_str()),
        ("Ingeniero Verificador", "2026-01-20T09:30:00-05:00")
    );
}
