//! `mesa backup …`, `mesa audit …`, `mesa person …` end to end on temporary data folders.

use serde_json::Value;

use crate::common::{skip_on_postgres, Env};

const NOW: &str = "2026-03-02T09:00";

#[test]
fn backup_create_list_verify_restore() {
    if skip_on_postgres(
        "copias de archivo SQLite (.db); en el servidor las copias son pg_dump: server_ops_cli",
    ) {
        return;
    }
    let env = Env::new();
    let data = env.data.path();
    env.ok(NOW, &["demo", "--cases", "40"]);
    // the first command of the day made the daily backup
    let list: Value = serde_json::from_str(&env.ok(NOW, &["--json", "backup", "list"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["kind"], "daily");

    let usb = tempfile::tempdir().unwrap();
    let out = env.ok(
        NOW,
        &["backup", "create", "--to", usb.path().to_str().unwrap()],
    );
    assert!(out.contains("40 casos"), "{out}");
    assert!(out.contains("Integridad: correcta"), "{out}");
    let file = std::fs::read_dir(usb.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "db"))
        .unwrap();
    let v: Value =
        serde_json::from_str(&env.ok(NOW, &["--json", "backup", "verify", file.to_str().unwrap()]))
            .unwrap();
    assert_eq!(v["counts"]["cases"], 40);

    env.ok(NOW, &["demo", "--cases", "5", "--seed", "9"]);
    // without --yes: shows what the backup holds and changes nothing
    let e = env.fail_with_preview(NOW, &["backup", "restore", file.to_str().unwrap()]);
    assert!(e.contains("--yes"), "{e}");
    let n = || -> usize {
        let v: Value = serde_json::from_str(&env.ok(NOW, &["--json", "ticket", "list"])).unwrap();
        v.as_array().unwrap().len()
    };
    assert_eq!(n(), 45);
    let out = env.ok(NOW, &["backup", "restore", "--yes", file.to_str().unwrap()]);
    assert!(out.contains("restaurada"), "{out}");
    assert_eq!(n(), 40);
    let list: Value = serde_json::from_str(&env.ok(NOW, &["--json", "backup", "list"])).unwrap();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["kind"] == "pre-restore" && b["counts"]["cases"] == 45));

    // a foreign file: refused in Spanish, nothing changed
    let junk = data.join("notas.db");
    std::fs::write(&junk, "no es sqlite").unwrap();
    let e = env.fail(NOW, &["backup", "restore", "--yes", junk.to_str().unwrap()]);
    assert!(
        e.contains("no es una base de datos SQLite") && e.contains("No se cambió nada"),
        "{e}"
    );
    assert_eq!(n(), 40);

    // a damaged database can be restored from the CLI
    let db = data.join("mesa.db");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..100].fill(0x55);
    std::fs::write(&db, bytes).unwrap();
    let _ = std::fs::remove_file(data.join("mesa.db-wal"));
    let _ = std::fs::remove_file(data.join("mesa.db-shm"));
    let e = env.fail(NOW, &["ticket", "list"]);
    assert!(e.contains("no es una base de datos"), "{e}");
    let out = env.ok(NOW, &["backup", "restore", "--yes", file.to_str().unwrap()]);
    assert!(out.contains("La base dañada se conservó"), "{out}");
    assert_eq!(n(), 40);
}

#[test]
fn audit_export_and_person_requests() {
    let env = Env::new();
    let data = env.data.path();
    env.ok(
        NOW,
        &[
            "--as",
            "Ana Técnica",
            "ticket",
            "new",
            "--requester",
            "Nubia Cuello",
            "--department",
            "Tesorería",
            "--description",
            "Nubia Cuello no tiene correo",
            "--email",
            "nubia.cuello@indupal.gov.co",
        ],
    );
    let v: Value =
        serde_json::from_str(&env.ok(NOW, &["--json", "audit", "list", "--table", "tickets"]))
            .unwrap();
    assert_eq!(v[0]["actor"], "Ana Técnica");
    assert_eq!(v[0]["action"], "create");
    let csv = data.join("auditoria.csv");
    env.ok(NOW, &["audit", "export", "--to", csv.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .contains("MA-2026-0001"));

    let json = data.join("nubia.json");
    env.ok(
        NOW,
        &[
            "person",
            "export",
            "nubia.cuello@indupal.gov.co",
            "--to",
            json.to_str().unwrap(),
        ],
    );
    let ex: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(ex["cases"][0]["requester"], "Nubia Cuello");
    env.fail_with_preview(NOW, &["person", "anonymize", "Nubia Cuello"]);
    let out = env.ok(NOW, &["person", "anonymize", "Nubia Cuello", "--yes"]);
    assert!(out.contains("Titular anonimizado 1"), "{out}");
    let v: Value =
        serde_json::from_str(&env.ok(NOW, &["--json", "ticket", "show", "MA-2026-0001"])).unwrap();
    assert_eq!(v["requester"], "Titular anonimizado 1");
    assert_eq!(v["description"], "Titular anonimizado 1 no tiene correo");
    let e = env.fail(
        NOW,
        &[
            "person",
            "export",
            "Nubia Cuello",
            "--to",
            json.to_str().unwrap(),
        ],
    );
    assert!(e.contains("No hay casos"), "{e}");
}
