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

    let info = pgdump::create(&target, dir.path(), BackupKind::Daily, now(), None, true).unwrap();
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
    let e = pgdump::create(&wrong, dir.path(), BackupKind::Manual, now(), None, false).unwrap_err();
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

/// Two workstations (stores) on one PostgreSQL database with a data folder each.
fn two_stores(t: &TestDb) -> (mesa_core::Store, mesa_core::Store, tempfile::TempDir) {
    let target = PgTarget::parse(&t.url()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = mesa_core::Store::open_server(&target, Some(dir.path())).unwrap();
    let b = mesa_core::Store::open_server(&target, Some(dir.path())).unwrap();
    (a, b, dir)
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    mesa_core::clock::parse_time_input("prueba", s).unwrap()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn the_automatic_survey_closing_runs_on_one_workstation_at_a_time() {
    use mesa_core::{NewTicket, TicketAction, TicketStatus};
    let t = migrated_db();
    let (mut a, mut b, _dir) = two_stores(&t);
    let n = a
        .create_ticket(
            &NewTicket {
                requester: "Rosa Díaz".into(),
                department: "Tesorería".into(),
                description: "No imprime".into(),
                received_at: Some("2026-03-02T09:00".into()),
                ..Default::default()
            },
            "Ana",
            at("2026-03-02T09:05"),
        )
        .unwrap()
        .number;
    a.apply_action(
        &n,
        &TicketAction::Resolve {
            solution: "Se cambió el tóner".into(),
            products: None,
            time_spent_minutes: None,
        },
        "Ana",
        at("2026-03-02T10:00"),
    )
    .unwrap();
    // Without mail the survey window starts at the first sweep (if not at resolution).
    if a.get_ticket(&n, at("2026-03-02T10:01"))
        .unwrap()
        .ticket
        .survey_due_at
        .is_none()
    {
        assert!(a.autoclose(at("2026-03-02T10:01")).unwrap().is_empty());
    }
    let late = at("2026-04-30T10:00");

    // Workstation A is sweeping (holds the sweep's lock): B skips the round, quietly.
    assert!(sweep::try_acquire(a.connection(), sweep::AUTOCLOSE_LOCK).unwrap());
    let started = Instant::now();
    assert_eq!(b.autoclose(late).unwrap(), Vec::<String>::new());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        b.get_ticket(&n, late).unwrap().ticket.status,
        TicketStatus::Resolved
    );
    sweep::release(a.connection(), sweep::AUTOCLOSE_LOCK).unwrap();

    // Free again: B sweeps and closes it; A, next, finds nothing left to close.
    assert_eq!(b.autoclose(late).unwrap(), vec![n.clone()]);
    assert!(a.autoclose(late).unwrap().is_empty());
    let closed = a.get_ticket(&n, late).unwrap().ticket;
    assert_eq!(closed.status, TicketStatus::Closed);
    assert_eq!(closed.close_reason.as_deref(), Some("auto"));
    // B released its lock after the sweep: A can take it.
    assert!(sweep::try_acquire(a.connection(), sweep::AUTOCLOSE_LOCK).unwrap());
    sweep::release(a.connection(), sweep::AUTOCLOSE_LOCK).unwrap();
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_store_on_a_server_backs_up_with_pg_dump_and_restores_it() {
    use mesa_core::NewTicket;
    let t = migrated_db();
    let (mut a, b, dir) = two_stores(&t);
    let new = |s: &mut mesa_core::Store, who: &str| {
        s.create_ticket(
            &NewTicket {
                requester: who.into(),
                department: "Tesorería".into(),
                description: "No imprime".into(),
                ..Default::default()
            },
            "Ana",
            at("2026-03-02T09:05"),
        )
        .unwrap()
        .number
    };
    let first = new(&mut a, "Rosa Díaz");
    // The daily backup: a verified dump in the workstation's backups folder, once a day.
    let daily = a
        .ensure_daily_backup(at("2026-03-02T09:10"))
        .unwrap()
        .expect("la copia diaria");
    assert!(daily.file_name.ends_with("-daily.dump"), "{daily:?}");
    assert_eq!(daily.counts.cases, 1);
    assert!(a
        .ensure_daily_backup(at("2026-03-02T17:00"))
        .unwrap()
        .is_none());
    assert_eq!(
        a.backups_dir().unwrap(),
        dir.path().join(mesa_core::safety::backup::BACKUP_DIR)
    );
    let file = dir.path().join("backups").join(&daily.file_name);
    assert_eq!(a.verify_backup(&file).unwrap().counts.cases, 1);

    // Work continues on the other workstation, then the dump is restored.
    let second = new(&mut a, "Luis Mora");
    assert_eq!(
        b.get_ticket(&second, at("2026-03-02T11:00"))
            .unwrap()
            .ticket
            .number,
        second
    );
    let r = a.restore_backup(&file, at("2026-03-02T11:30")).unwrap();
    assert_eq!(r.restored.file_name, daily.file_name);
    let safety = r.safety_copy.expect("copia antes de restaurar");
    assert!(safety.file_name.ends_with("-pre-restore.dump"));
    assert_eq!(safety.counts.cases, 2);
    // Both workstations see the restored rows.
    assert!(b.get_ticket(&first, at("2026-03-02T11:31")).is_ok());
    assert_eq!(
        b.get_ticket(&second, at("2026-03-02T11:31"))
            .unwrap_err()
            .code(),
        "ticket_not_found"
    );
    // The restore is in the audit trail, by whom and of which copy.
    let restored: i64 = a
        .connection()
        .query_row(
            "SELECT count(*) AS c FROM audit_log WHERE table_name = 'database'
              AND field = 'restaurada' AND record_key = ?1",
            [&daily.file_name],
            |r| r.get("c"),
        )
        .unwrap();
    assert_eq!(restored, 1);
    // Listed with the workstation's other backups, newest first.
    let names: Vec<String> = a
        .backups()
        .unwrap()
        .into_iter()
        .map(|b| b.file_name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&daily.file_name) && names.contains(&safety.file_name));
    // A damaged dump is refused before anything is touched.
    let bytes = std::fs::read(&file).unwrap();
    let bad = dir.path().join("rota.dump");
    std::fs::write(&bad, &bytes[..bytes.len() / 3]).unwrap();
    assert_eq!(
        a.restore_backup(&bad, at("2026-03-02T12:00"))
            .unwrap_err()
            .code(),
        "backup_corrupt"
    );
    assert_eq!(a.backups().unwrap().len(), 2);
}
