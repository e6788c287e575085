//! Operating an office on PostgreSQL (issue 17): one workstation at a time for the sweeps,
//! changes seen by other workstations (LISTEN/NOTIFY), on the real test cluster.

use std::time::{Duration, Instant};

use mesa_core::db::pg::changes::{Change, Listener};
use mesa_core::db::pg::{self, PgTarget};
use mesa_core::db::{params, sweep, Db};

use super::pg_support::{migrated_db, TestDb};

fn open(db: &TestDb) -> Db {
    pg::open(&PgTarget::parse(&db.url()).unwrap()).unwrap()
}

/// A case row written through the write path (`Db::write`), its id.
fn new_case(db: &Db, seq: i64) -> i64 {
    db.write("Ana", None, |db| {
        db.insert_returning_id(
            "INSERT INTO tickets(number, year, seq, registered_at, requester, department,
                channel, origin, priority, status, description)
             VALUES (?1, 2026, ?2, '2026-12-02T15:00:00Z', 'Rosa', 'Sistemas', 'telefono',
                     'interna', 'Media', 'new', 'impresora') RETURNING id",
            params![format!("MA-2026-{seq:04}"), seq],
        )
    })
    .unwrap()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_sweep_runs_on_one_workstation_at_a_time() {
    let t = migrated_db();
    let (a, b) = (open(&t), open(&t));
    assert!(sweep::try_acquire(&a, sweep::AUTOCLOSE_LOCK).unwrap());
    // The other workstation does not wait: it is told at once that the sweep is taken.
    let started = Instant::now();
    assert!(!sweep::try_acquire(&b, sweep::AUTOCLOSE_LOCK).unwrap());
    assert!(started.elapsed() < Duration::from_secs(1));
    // Writes are not blocked by a sweep's lock (it is not the write lock).
    new_case(&b, 1);
    sweep::release(&a, sweep::AUTOCLOSE_LOCK).unwrap();
    assert!(sweep::try_acquire(&b, sweep::AUTOCLOSE_LOCK).unwrap());
    assert!(!sweep::try_acquire(&a, sweep::AUTOCLOSE_LOCK).unwrap());
    // A workstation that disappears (connection lost) releases it.
    drop(b);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !sweep::try_acquire(&a, sweep::AUTOCLOSE_LOCK).unwrap() {
        assert!(Instant::now() < deadline, "el bloqueo no se liberó");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_write_on_one_connection_is_received_by_a_listener_on_another() {
    let t = migrated_db();
    let target = PgTarget::parse(&t.url()).unwrap();
    let mut listener = Listener::connect(&target).unwrap();
    let db = open(&t);
    // Nothing yet: the wait ends at its timeout.
    let started = Instant::now();
    assert!(listener
        .wait(Duration::from_millis(300))
        .unwrap()
        .is_empty());
    assert!(started.elapsed() >= Duration::from_millis(250));

    let id = new_case(&db, 1);
    let got = listener.wait(Duration::from_secs(5)).unwrap();
    assert_eq!(
        got,
        vec![Change {
            table: "tickets".into(),
            id
        }]
    );

    // A follow-up and an event on the case, and a field change, in one transaction: one notice.
    db.write("Luis", None, |db| {
        db.execute(
            "UPDATE tickets SET assignee = 'Luis', status = 'assigned' WHERE id = ?1",
            [id],
        )?;
        db.execute(
            "INSERT INTO ticket_events(ticket_id, at, actor, kind, field, old_value, new_value)
             VALUES (?1, '2026-12-02T15:05:00Z', 'Luis', 'assign', 'assignee', NULL, 'Luis')",
            [id],
        )?;
        Ok(())
    })
    .unwrap();
    assert_eq!(
        listener.wait(Duration::from_secs(5)).unwrap(),
        vec![Change {
            table: "tickets".into(),
            id
        }]
    );

    // A rolled-back write sends nothing.
    let r: mesa_core::Result<()> = db.write("Luis", None, |db| {
        db.execute("UPDATE tickets SET requester = 'Otra' WHERE id = ?1", [id])?;
        Err(mesa_core::CoreError::validation("prueba", "se deshace"))
    });
    assert!(r.is_err());
    assert!(listener
        .wait(Duration::from_millis(300))
        .unwrap()
        .is_empty());

    // Two cases from another thread (another workstation) while this one waits.
    let url = t.url();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let db = pg::open(&PgTarget::parse(&url).unwrap()).unwrap();
        (new_case(&db, 2), new_case(&db, 3))
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.len() < 2 && Instant::now() < deadline {
        seen.extend(listener.wait(Duration::from_secs(1)).unwrap());
    }
    let (b, c) = writer.join().unwrap();
    let ids: Vec<i64> = seen.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![b, c]);
}

fn cases(db: &Db) -> Vec<(String, String)> {
    let mut st = db
        .prepare("SELECT number, requester FROM tickets ORDER BY number")
        .unwrap();
    st.query_map([], |r| Ok((r.get("number")?, r.get("requester")?)))
        .unwrap()
        .collect::<mesa_core::Result<_>>()
        .unwrap()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    mesa_core::clock::parse_time_input("prueba", "2026-12-02T10:00").unwrap()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_pg_dump_is_verified_and_restored_and_a_damaged_one_refused() {
    use mesa_core::safety::backup::{self, BackupKind};
    use mesa_core::safety::pgdump;
    let t = migrated_db();
    let target = PgTarget::parse(&t.url()).unwrap();
    let db = open(&t);
    new_case(&db, 1);
    new_case(&db, 2);
    let before = cases(&db);
    let dir = tempfile::tempdir().unwrap();

    let info = pgdump::create(&target, dir.path(), BackupKind::Daily, now(), true).unwrap();
    assert_eq!(info.file_name, "mesa-20261202T150000Z-daily.dump");
    assert_eq!(info.counts.cases, 2);
    assert_eq!(info.counts.tables.get("tickets"), Some(&2));
    assert_eq!(info.schema_version, pg::latest_version());
    let file = dir.path().join(&info.file_name);
    let found = pgdump::verify(&file).unwrap();
    assert!(found.tables_with_data.iter().any(|t| t == "tickets"));
    assert_eq!(found.schema_version, pg::latest_version());
    // Listed and rotated with SQLite's backups (same names, manifest next to it).
    let listed = backup::list(dir.path()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].counts.cases, 2);
    assert_eq!(listed[0].sha256, info.sha256);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // After the dump: one case changed, one deleted, one added.
    db.write("Ana", None, |db| {
        db.execute(
            "UPDATE tickets SET requester = 'Cambiado' WHERE number = 'MA-2026-0001'",
            [],
        )?;
        db.execute("DELETE FROM tickets WHERE number = 'MA-2026-0002'", [])?;
        Ok(())
    })
    .unwrap();
    new_case(&db, 3);
    assert_ne!(cases(&db), before);

    // A damaged copy of the dump is refused and nothing changes.
    let bytes = std::fs::read(&file).unwrap();
    let damaged = dir.path().join("dañada.dump");
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let e = pgdump::restore(&target, &damaged).unwrap_err();
    assert_eq!(e.code(), "backup_corrupt", "{e}");
    assert!(e.to_string().contains("dañada.dump"), "{e}");
    let garbage = dir.path().join("otra.dump");
    std::fs::write(&garbage, b"esto no es una copia").unwrap();
    assert_eq!(
        pgdump::verify(&garbage).unwrap_err().code(),
        "backup_corrupt"
    );
    assert_eq!(cases(&db).len(), 2);

    // Restore: the rows as they were when dumped, in the same database, while another
    // workstation stays connected (its prepared statements are re-planned by the server).
    let restored = pgdump::restore(&target, &file).unwrap();
    assert_eq!(restored.schema_version, pg::latest_version());
    assert_eq!(cases(&db), before);
    // The database works as before: the write path, the audit trail, the notices.
    new_case(&db, 4);
    let audited: i64 = db
        .query_row(
            "SELECT count(*) AS c FROM audit_log WHERE table_name = 'tickets' AND record_key = 'MA-2026-0004'",
            [],
            |r| r.get("c"),
        )
        .unwrap();
    assert!(audited > 0);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_dump_that_fails_leaves_nothing_and_a_foreign_one_is_refused() {
    use mesa_core::safety::backup::BackupKind;
    use mesa_core::safety::pgdump;
    let t = migrated_db();
    let dir = tempfile::tempdir().unwrap();
    // A wrong password: pg_dump fails, in Spanish, and no file is left behind.
    let mut wrong = PgTarget::parse(&t.url()).unwrap();
    wrong.password = Some("otra-clave".into());
    let e = pgdump::create(&wrong, dir.path(), BackupKind::Manual, now(), false).unwrap_err();
    assert_eq!(e.code(), "server", "{e}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // A dump of a database that is not ours is refused for restore.
    let other = super::pg_support::empty_db();
    {
        let mut c = other.connect();
        c.batch_execute(
            "CREATE TABLE notas (id bigint, texto text); INSERT INTO notas VALUES (1, 'x')",
        )
        .unwrap();
    }
    let foreign = dir.path().join("ajena.dump");
    let out = std::process::Command::new(pgdump::tool("pg_dump").unwrap())
        .args(["--format=custom", "--host=127.0.0.1", "--no-password"])
        .arg(format!("--port={}", other.port))
        .arg(format!("--username={}", super::pg_support::USER))
        .arg("--file")
        .arg(&foreign)
        .arg(&other.name)
        .env("PGPASSWORD", super::pg_support::PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let target = PgTarget::parse(&t.url()).unwrap();
    let e = pgdump::restore(&target, &foreign).unwrap_err();
    assert_eq!(e.code(), "backup_foreign", "{e}");
}
