//! `mesa server watch` (changes committed by other workstations, LISTEN/NOTIFY) against the
//! real PostgreSQL of the tests, and `mesa ticket --if-unchanged` (a stale edit refused with
//! `conflicto_edicion`) on SQLite (issue 17).

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use mesa_core::db::pg::{workstation, PgTarget};

use crate::common::Env;
use crate::pg_support::migrated_db;

const NOW: &str = "2026-03-10T10:00";

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn server_watch_prints_one_line_per_change_made_by_another_workstation() {
    let env = Env::sqlite();
    // Without a server: said in Spanish.
    let e = env.fails(NOW, &["server", "watch"]);
    assert_eq!(e["code"], "server", "{e}");
    assert!(e["message"].as_str().unwrap().contains("SQLite"), "{e}");

    // This workstation uses the test server (its password in the credential store).
    let t = migrated_db();
    env.switch_to(&t);
    let target = PgTarget::parse(&t.url()).unwrap();
    let ws = workstation::WorkstationServer::from_target(&target);

    let mut child = env
        .cmd()
        .args(["--json", "server", "watch", "--count", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Ready once it says it listens.
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("Escuchando los cambios"), "{line}");

    // Another workstation registers a case, then assigns it.
    let db = mesa_core::db::pg::open(&target).unwrap();
    let id = db
        .write("Ana", None, |db| {
            db.insert_returning_id(
                "INSERT INTO tickets(number, year, seq, registered_at, requester, department,
                    channel, origin, priority, status, description)
                 VALUES ('MA-2026-0001', 2026, 1, '2026-03-10T15:00:00Z', 'Rosa', 'Sistemas',
                         'telefono', 'interna', 'Media', 'new', 'impresora') RETURNING id",
                [],
            )
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    db.write("Luis", None, |db| {
        db.execute("UPDATE tickets SET assignee = 'Luis' WHERE id = ?1", [id])
    })
    .unwrap();

    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        let lines: Vec<String> = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect();
        let _ = tx.send(lines);
    });
    let lines = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("mesa server watch no terminó");
    assert!(child.wait().unwrap().success());
    assert_eq!(lines.len(), 2, "{lines:?}");
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["table"], "tickets", "{l}");
        assert_eq!(v["id"], id, "{l}");
        assert!(v["at"].as_str().unwrap().ends_with('Z'), "{l}");
    }
    mesa_mailnet::secrets::delete_secret(&ws.credential_key()).unwrap();
}

#[test]
fn if_unchanged_refuses_an_edit_of_a_case_changed_since_it_was_read() {
    let env = Env::new();
    let n = env
        .ok(
            NOW,
            &[
                "ticket",
                "new",
                "--requester",
                "Rosa Díaz",
                "--department",
                "Tesorería",
                "--description",
                "La impresora no imprime",
            ],
        )
        .trim()
        .to_string();
    let read = env.json(NOW, &["ticket", "show", &n]);
    let v = read["version"].as_i64().unwrap();
    assert!(v > 0, "{read}");
    assert!(env
        .ok(NOW, &["ticket", "show", &n])
        .contains(&format!("Versión: {v}")));
    env.ok(
        NOW,
        &[
            "catalog",
            "staff",
            "Juan Pérez",
            "--role",
            "tecnico",
            "--level",
            "1",
        ],
    );
    // Someone else assigns it meanwhile (no version: acts on the case as it is).
    env.ok(
        "2026-03-10T10:32",
        &[
            "--as",
            "Juan Pérez",
            "ticket",
            "assign",
            &n,
            "--to",
            "Juan Pérez",
        ],
    );
    // The edit made from what was read is refused; nothing written.
    let vs = v.to_string();
    let e = env.fails(
        "2026-03-10T10:40",
        &[
            "ticket",
            "edit",
            &n,
            "--requester",
            "R. Díaz",
            "--if-unchanged",
            &vs,
        ],
    );
    assert_eq!(e["code"], "conflicto_edicion", "{e}");
    assert_eq!(
        e["message"],
        format!(
            "Otro usuario modificó el caso {n} a las 10:32 del 10/03/2026 (Juan Pérez); vuelva \
             a abrirlo para ver los cambios. No se guardó nada."
        )
    );
    let e = env.fails(
        "2026-03-10T10:41",
        &["ticket", "--if-unchanged", &vs, "start", &n],
    );
    assert_eq!(e["code"], "conflicto_edicion", "{e}");
    let now = env.json(NOW, &["ticket", "show", &n]);
    assert_eq!(now["requester"], "Rosa Díaz");
    assert_eq!(now["status"], "assigned");
    // With the version read again, it goes through.
    let v2 = now["version"].as_i64().unwrap().to_string();
    let t = env.json(
        "2026-03-10T10:45",
        &[
            "ticket",
            "edit",
            &n,
            "--requester",
            "R. Díaz",
            "--if-unchanged",
            &v2,
        ],
    );
    assert_eq!(t["requester"], "R. Díaz");
    // Only edits and actions take it.
    let e = env.fails(NOW, &["ticket", "show", &n, "--if-unchanged", "1"]);
    assert_eq!(e["code"], "validation", "{e}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn mesa_backup_on_a_server_workstation_is_a_verified_pg_dump_and_restores() {
    let env = Env::sqlite();
    let t = migrated_db();
    env.switch_to(&t);
    let new = |who: &str| {
        env.ok(
            NOW,
            &[
                "ticket",
                "new",
                "--requester",
                who,
                "--department",
                "Tesorería",
                "--description",
                "No imprime",
            ],
        )
        .trim()
        .to_string()
    };
    let first = new("Rosa Díaz");
    let b = env.json(NOW, &["backup", "create"]);
    let name = b["file_name"].as_str().unwrap().to_string();
    assert!(name.ends_with("-manual.dump"), "{b}");
    assert_eq!(b["counts"]["cases"], 1, "{b}");
    let file = env.data.path().join("backups").join(&name);
    assert!(file.is_file());
    // Listed with the daily one the first command of the day made (also a dump).
    let list = env.json(NOW, &["backup", "list"]);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["file_name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&name.as_str()), "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".dump")), "{names:?}");
    let v = env.json(NOW, &["backup", "verify", file.to_str().unwrap()]);
    assert_eq!(v["counts"]["cases"], 1, "{v}");

    let second = new("Luis Mora");
    // Without --yes: what it holds, nothing restored.
    let e = env.fails(NOW, &["backup", "restore", file.to_str().unwrap()]);
    assert_eq!(e["code"], "validation", "{e}");
    assert_eq!(
        env.json(NOW, &["ticket", "list"]).as_array().unwrap().len(),
        2
    );
    let r = env.json(NOW, &["backup", "restore", file.to_str().unwrap(), "--yes"]);
    assert_eq!(r["restored"]["file_name"], name.as_str(), "{r}");
    assert!(r["safety_copy"]["file_name"]
        .as_str()
        .unwrap()
        .ends_with("-pre-restore.dump"));
    let cases = env.json(NOW, &["ticket", "list"]);
    let numbers: Vec<&str> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, vec![first.as_str()], "{second} debió desaparecer");
    // A damaged dump is refused in Spanish and nothing changes.
    let bad = env.data.path().join("rota.dump");
    std::fs::write(&bad, &std::fs::read(&file).unwrap()[..200]).unwrap();
    let e = env.fails(NOW, &["backup", "restore", bad.to_str().unwrap(), "--yes"]);
    assert_eq!(e["code"], "backup_corrupt", "{e}");
    assert!(e["message"].as_str().unwrap().contains("rota.dump"), "{e}");
}
