//! `mesa server status|migrate` against a real PostgreSQL (issue 17): the demo database moved
//! to an empty server, every table's rows compared, the workstation switched, the password in
//! the OS credential store and not in any file.

use std::collections::BTreeMap;

use crate::common::Env;
use crate::pg_support::{empty_db, migrated_db};

const NOW: &str = "2026-03-10T10:00";

fn counts(env: &Env) -> BTreeMap<String, i64> {
    let c = rusqlite::Connection::open(env.data.path().join("mesa.db")).unwrap();
    mesa_core::db::pg::copy::plan(&c)
        .unwrap()
        .into_iter()
        .map(|t| (t.table, t.rows))
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn the_demo_database_moves_to_an_empty_server_with_every_row_equal() {
    let env = Env::sqlite();
    env.ok(NOW, &["demo", "--cases", "300", "--seed", "7"]);
    let st = env.json(NOW, &["server", "status"]);
    assert_eq!(st["engine"], "sqlite");

    let target = empty_db();
    let url = target.url();
    // Without --yes: the plan only; the server is checked and left empty.
    let plan = env.json(NOW, &["server", "migrate", "--to", &url]);
    assert_eq!(plan["server_ready"], true, "{plan}");
    let would: BTreeMap<String, i64> = plan["would_copy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["table"].as_str().unwrap().to_string(),
                t["rows"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(would["tickets"], 300);
    assert!(would["assets"] > 0 && would["audit_log"] > 0, "{would:?}");
    assert!(!would.contains_key("tickets_fts") && !would.contains_key("schema_migrations"));
    let text = env.ok(NOW, &["server", "migrate", "--to", &url]);
    assert!(text.contains("No se copió nada"), "{text}");
    assert!(
        text.contains("tickets") && text.contains("300 filas"),
        "{text}"
    );
    assert!(mesa_core::db::pg::tables(&mut target.connect())
        .unwrap()
        .is_empty());
    assert!(!env.data.path().join("servidor.json").exists());

    let before = counts(&env);
    let done = env.json(NOW, &["server", "migrate", "--to", &url, "--yes"]);
    assert_eq!(
        done["total_rows"].as_i64().unwrap(),
        before.values().sum::<i64>()
    );
    assert!(done["sampled_rows"].as_u64().unwrap() > 0);

    // Every table, every row, every value.
    let lite = rusqlite::Connection::open(env.data.path().join("mesa.db")).unwrap();
    let mut pg = target.connect();
    for (table, n) in &before {
        let compared = mesa_core::db::pg::copy::compare_all(&lite, &mut pg, table, &[])
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(compared as i64, *n, "{table}");
    }
    // The SQLite file is kept as it was.
    assert_eq!(counts(&env), before);
    // Copied rows were not audited again, and the server keeps counting past the copied ids.
    let audit: i64 = pg
        .query_one("SELECT count(*) AS n FROM audit_log", &[])
        .unwrap()
        .get("n");
    assert_eq!(audit, before["audit_log"]);
    pg.batch_execute("SET mesa.actor = 'prueba'").unwrap();
    let id: i64 = pg
        .query_one(
            "INSERT INTO departments(name) VALUES ('Nueva dependencia') RETURNING id",
            &[],
        )
        .unwrap()
        .get("id");
    assert!(id > before["departments"], "{id}");

    // The workstation is switched: config without the password, password in the OS store.
    let cfg = std::fs::read_to_string(env.data.path().join("servidor.json")).unwrap();
    assert!(cfg.contains(&target.name), "{cfg}");
    assert!(!cfg.contains(crate::pg_support::PASSWORD), "{cfg}");
    let st = env.json(NOW, &["server", "status"]);
    assert_eq!(st["engine"], "postgresql", "{st}");
    assert_eq!(st["connected"], true, "{st}");
    assert_eq!(st["password_stored"], true, "{st}");
    assert_eq!(
        st["schema_version"],
        mesa_core::db::pg::latest_version(),
        "{st}"
    );
    assert_eq!(st["database"], target.name.as_str());
    let text = env.ok(NOW, &["server", "status"]);
    assert!(
        text.contains("Motor: PostgreSQL") && text.contains("Conexión: correcta"),
        "{text}"
    );
    // Nothing keeps writing the old SQLite file behind the server's back.
    let e = env.fails(NOW, &["ticket", "list"]);
    assert_eq!(e["code"], "server", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("mesa server status"),
        "{e}"
    );
    // Moving again is refused.
    let e = env.fails(NOW, &["server", "migrate", "--to", &url, "--yes"]);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("ya usa el servidor"),
        "{e}"
    );
    // The way back: the workstation uses its SQLite file again (the server is left as it is).
    env.ok(NOW, &["server", "use-local"]);
    assert!(!env.data.path().join("servidor.json").exists());
    assert_eq!(env.json(NOW, &["server", "status"])["engine"], "sqlite");
    env.ok(NOW, &["ticket", "list"]);
    assert_eq!(counts(&env), before);

    let key = format!(
        "postgresql://{}@127.0.0.1:{}/{}",
        crate::pg_support::USER,
        target.port,
        target.name
    );
    assert_eq!(
        mesa_mailnet::secrets::get_secret(&key).unwrap(),
        crate::pg_support::PASSWORD
    );
    mesa_mailnet::secrets::delete_secret(&key).unwrap();
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_non_empty_target_or_a_url_without_password_is_refused_and_nothing_changes() {
    let env = Env::sqlite();
    env.ok(NOW, &["demo", "--cases", "20", "--seed", "3"]);
    let full = migrated_db();
    let e = env.fails(NOW, &["server", "migrate", "--to", &full.url(), "--yes"]);
    assert_eq!(e["code"], "server", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("no está vacía"),
        "{e}"
    );
    let plan = env.json(NOW, &["server", "migrate", "--to", &full.url()]);
    assert_eq!(plan["server_ready"], false);
    assert!(plan["server_problem"]
        .as_str()
        .unwrap()
        .contains("no está vacía"));
    // The full database was not touched: still only the seeded catalogs.
    let n: i64 = full
        .connect()
        .query_one("SELECT count(*) AS n FROM tickets", &[])
        .unwrap()
        .get("n");
    assert_eq!(n, 0);

    let target = empty_db();
    let no_pw = format!(
        "postgresql://{}@127.0.0.1:{}/{}",
        crate::pg_support::USER,
        target.port,
        target.name
    );
    let e = env.fails(NOW, &["server", "migrate", "--to", &no_pw, "--yes"]);
    assert_eq!(e["code"], "validation", "{e}");
    let wrong = format!(
        "postgresql://{}:equivocada@127.0.0.1:{}/{}",
        crate::pg_support::USER,
        target.port,
        target.name
    );
    let e = env.fails(NOW, &["server", "migrate", "--to", &wrong, "--yes"]);
    assert_eq!(e["code"], "server", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no se pudo conectar"),
        "{e}"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("rechazó el usuario o la contraseña"),
        "{e}"
    );
    assert!(
        !e["message"].as_str().unwrap().contains("equivocada"),
        "{e}"
    );
    // A server that is down (nothing listens on the port): a Spanish cause, nothing changed.
    let down = format!("postgresql://{}:x@127.0.0.1:1/ofi", crate::pg_support::USER);
    let e = env.fails(NOW, &["server", "migrate", "--to", &down, "--yes"]);
    assert_eq!(e["code"], "server", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("el servidor rechazó la conexión"),
        "{e}"
    );
    assert!(mesa_core::db::pg::tables(&mut target.connect())
        .unwrap()
        .is_empty());
    assert!(!env.data.path().join("servidor.json").exists());
    assert_eq!(env.json(NOW, &["server", "status"])["engine"], "sqlite");
}
