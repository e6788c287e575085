//! Operating an office on PostgreSQL (issue 17): one workstation at a time for the sweeps,
//! changes seen by other workstations (LISTEN/NOTIFY), on the real test cluster.

use std::time::{Duration, Instant};

use mesa_core::db::pg::changes::{Change, Listener};
use mesa_core::db::pg::{self, PgTarget};
use mesa_core::db::{params, sweep, Db};

use super::pg_support::{migrated_db, TestDb};
use mesa_core::safety::backup::BackupKind;
use mesa_core::safety::pgdump;

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
    // The start-up check of the app: the server answers (no SQLite pragma on PostgreSQL).
    a.health_check().unwrap();
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

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_database_whose_schema_is_updated_is_dumped_first() {
    // A database left at PostgreSQL migration 2 by an older version of the app.
    let t = super::pg_support::empty_db();
    {
        let mut c = t.connect();
        c.batch_execute(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT '')",
        )
        .unwrap();
        for m in pg::PG_MIGRATIONS.iter().filter(|m| m.version <= 2) {
            c.batch_execute(m.sql).unwrap();
            c.execute(
                "INSERT INTO schema_migrations(version, name, checksum) VALUES ($1, $2, $3)",
                &[&m.version, &m.name, &mesa_core::db::checksum(m.sql)],
            )
            .unwrap();
        }
    }
    let target = PgTarget::parse(&t.url()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = mesa_core::Store::open_server(&target, Some(dir.path())).unwrap();
    let dumps = s.backups().unwrap();
    assert_eq!(dumps.len(), 1, "{dumps:?}");
    assert!(dumps[0].file_name.ends_with("-pre-migration.dump"));
    assert_eq!(dumps[0].schema_version, 2);
    drop(s);
    // Up to date now: opening again dumps nothing more.
    let s = mesa_core::Store::open_server(&target, Some(dir.path())).unwrap();
    assert_eq!(s.backups().unwrap().len(), 1);
}

/// Benchmark (not a timed test): dump, verify and restore a database of 3,000 cases (each
/// registered through the store, with its timeline and audit rows) on the test cluster. `cargo test -p mesa-core --features postgres --test suite -- --ignored
/// pg_ops::bench_ --nocapture`.
#[test]
#[ignore = "medición"]
fn bench_dump_verify_restore_3000_cases() {
    use mesa_core::safety::backup::BackupKind;
    use mesa_core::safety::pgdump;
    let t = migrated_db();
    let target = PgTarget::parse(&t.url()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut s = mesa_core::Store::open_server(&target, Some(dir.path())).unwrap();
    let started = Instant::now();
    for i in 0..3_000 {
        s.create_ticket(
            &mesa_core::NewTicket {
                requester: format!("Solicitante {i}"),
                department: "Tesorería".into(),
                description: format!("Caso de medición número {i}: la impresora no imprime"),
                ..Default::default()
            },
            "Ana",
            at("2026-03-10T10:00"),
        )
        .unwrap();
    }
    let gen = started.elapsed();
    let started = Instant::now();
    let info = pgdump::create(&target, dir.path(), BackupKind::Manual, now(), false).unwrap();
    let dump = started.elapsed();
    let file = dir.path().join(&info.file_name);
    let started = Instant::now();
    pgdump::verify(&file).unwrap();
    let verify = started.elapsed();
    let started = Instant::now();
    pgdump::restore(&target, &file).unwrap();
    let restore = started.elapsed();
    assert_eq!(info.counts.cases, 3_000);
    let rows: i64 = info.counts.tables.values().sum();
    println!(
        "3000 casos ({rows} filas, {:.1} MB): generar {:.1} s, pg_dump {:.2} s, \
         verificar {:.2} s, pg_restore {:.2} s",
        info.size_bytes as f64 / 1e6,
        gen.as_secs_f64(),
        dump.as_secs_f64(),
        verify.as_secs_f64(),
        restore.as_secs_f64()
    );
}

/// The `.dump` files in a backups folder (temp files would show as `.tmp`).
fn dumps_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n.ends_with(".dump") || n.ends_with(".tmp"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn workstations_starting_at_once_make_one_daily_dump() {
    let t = migrated_db();
    let target = PgTarget::parse(&t.url()).unwrap();
    // Three workstations (two of them sharing a data folder, like two windows of one PC)
    // start at the same moment.
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let folders = [one.path(), one.path(), two.path()];
    let now = at("2026-03-02T07:55");
    let barrier = std::sync::Barrier::new(folders.len());
    let results: Vec<_> = std::thread::scope(|sc| {
        let hs: Vec<_> = folders
            .iter()
            .map(|d| {
                let (target, barrier) = (&target, &barrier);
                sc.spawn(move || {
                    let s = mesa_core::Store::open_server(target, Some(d)).unwrap();
                    barrier.wait();
                    s.ensure_daily_backup(now)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let made: Vec<_> = results
        .into_iter()
        .filter_map(|r| r.expect("ninguna falla"))
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    let backups = |d: &std::path::Path| dumps_in(&d.join(mesa_core::safety::backup::BACKUP_DIR));
    let all: Vec<String> = [backups(one.path()), backups(two.path())].concat();
    assert_eq!(
        all,
        [made[0].file_name.clone()],
        "one dump, no temp file left"
    );
    let folder = if backups(one.path()).is_empty() {
        two.path()
    } else {
        one.path()
    };
    let file = folder.join("backups").join(&made[0].file_name);
    assert_eq!(
        pgdump::verify(&file).unwrap().schema_version,
        mesa_core::db::pg::latest_version()
    );
    // Recorded on the server: a workstation starting later that day does not dump again.
    let row = t
        .connect()
        .query_one("SELECT day, file_name FROM daily_dumps", &[])
        .unwrap();
    assert_eq!(row.get::<_, String>("day"), "2026-03-02");
    assert_eq!(row.get::<_, String>("file_name"), made[0].file_name);
    let later = tempfile::tempdir().unwrap();
    let s = mesa_core::Store::open_server(&target, Some(later.path())).unwrap();
    assert!(s
        .ensure_daily_backup(at("2026-03-02T15:00"))
        .unwrap()
        .is_none());
    // The next day, one of them makes the next one.
    assert!(s
        .ensure_daily_backup(at("2026-03-03T08:00"))
        .unwrap()
        .is_some());
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn manual_dumps_in_the_same_second_get_their_own_names() {
    let t = migrated_db();
    let target = PgTarget::parse(&t.url()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let now = now();
    let names: Vec<String> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..3)
            .map(|_| {
                let (target, d) = (&target, dir.path());
                sc.spawn(move || {
                    pgdump::create(target, d, BackupKind::Manual, now, false)
                        .unwrap()
                        .file_name
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 3, "{names:?}");
    assert_eq!(dumps_in(dir.path()), sorted, "no temp file left");
    for n in &sorted {
        pgdump::verify(&dir.path().join(n)).unwrap();
    }
}

/// Ends every other connection to the test database (what a server restart does to a store).
fn terminate_others(t: &TestDb) -> i64 {
    t.connect()
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get("n")
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_store_whose_connection_was_lost_reconnects_once() {
    use mesa_core::NewTicket;
    let t = migrated_db();
    let target = PgTarget::parse(&t.url()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut s = mesa_core::Store::open_server(&target, Some(dir.path())).unwrap();
    let reader = mesa_core::Store::open_server_reader(&target, Some(dir.path())).unwrap();
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
        .map(|t| t.number)
    };
    let first = new(&mut s, "Rosa Díaz").unwrap();
    assert!(reader.get_ticket(&first, at("2026-03-02T09:06")).is_ok());
    assert_eq!(s.connection().reconnects(), 0);

    // The server ends the connections between two calls: a read works on the next call…
    assert!(terminate_others(&t) >= 2);
    let got = reader.get_ticket(&first, at("2026-03-02T09:07")).unwrap();
    assert_eq!(got.ticket.number, first);
    assert_eq!(reader.connection().reconnects(), 1);
    // …and so does a write (its BEGIN found the connection lost), by its author.
    let second = new(&mut s, "Luis Mora").unwrap();
    assert_eq!(s.connection().reconnects(), 1);
    let author: String = s
        .connection()
        .query_row(
            "SELECT actor FROM audit_log WHERE table_name = 'tickets' AND action = 'create'
              ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get("actor"),
        )
        .unwrap();
    assert_eq!(author, "Ana");
    assert!(reader.get_ticket(&second, at("2026-03-02T09:08")).is_ok());

    // Again after a write and a read: every lost connection is replaced once per call.
    assert!(terminate_others(&t) >= 2);
    assert!(s.get_ticket(&second, at("2026-03-02T09:09")).is_ok());
    assert_eq!(s.connection().reconnects(), 2);

    // A reader stays read-only on its new connection (its old one was already ended above).
    assert!(terminate_others(&t) >= 1);
    assert!(reader.get_ticket(&first, at("2026-03-02T09:10")).is_ok());
    let e = reader
        .connection()
        .execute("DELETE FROM tickets", [])
        .unwrap_err();
    assert!(
        e.to_string().contains("read-only")
            || e.to_string().contains("solo lectura")
            || e.to_string().contains("25006"),
        "{e}"
    );
    assert_eq!(reader.connection().reconnects(), 2);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_connection_lost_inside_a_write_is_not_retried() {
    let t = migrated_db();
    let db = open(&t);
    new_case(&db, 1);
    let insert = |db: &Db, seq: i64| {
        db.insert_returning_id(
            "INSERT INTO tickets(number, year, seq, registered_at, requester, department,
                channel, origin, priority, status, description)
             VALUES (?1, 2026, ?2, '2026-12-02T15:00:00Z', 'Rosa', 'Sistemas', 'telefono',
                     'interna', 'Media', 'new', 'impresora') RETURNING id",
            params![format!("MA-2026-{seq:04}"), seq],
        )
    };
    // The connection is ended in the middle of a write transaction: the write fails (it is not
    // run again on a new connection) and none of it stays.
    let r = db.write("Ana", None, |db| {
        insert(db, 2)?;
        assert!(terminate_others(&t) >= 1);
        insert(db, 3)
    });
    let e = r.unwrap_err();
    assert_eq!(e.code(), "server", "{e}");
    assert!(
        e.to_string()
            .contains("la próxima acción se reconecta sola"),
        "{e}"
    );
    assert_eq!(db.reconnects(), 0);
    // The next call starts on a new connection.
    new_case(&db, 4);
    assert_eq!(db.reconnects(), 1);
    // Lost just before COMMIT: the commit fails, never "succeeds" on a new connection.
    let r = db.write("Ana", None, |db| {
        insert(db, 5)?;
        assert!(terminate_others(&t) >= 1);
        Ok(())
    });
    assert_eq!(r.unwrap_err().code(), "server");
    assert_eq!(db.reconnects(), 1);
    let numbers: Vec<String> = t
        .connect()
        .query("SELECT number FROM tickets ORDER BY number", &[])
        .unwrap()
        .iter()
        .map(|r| r.get("number"))
        .collect();
    assert_eq!(numbers, ["MA-2026-0001", "MA-2026-0004"]);
}

/// A dump made before PostgreSQL migration 0006 has no attachment content: the files were
/// copied beside it (`<dump>.attachments/<2 hex>/<62 hex>`). Restored, their content goes into
/// the server, so every workstation opens them again (one with an empty cache here).
#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_dump_from_before_shared_attachments_gets_its_files_back_on_restore() {
    use mesa_core::attachments::AttachmentOwner;
    use mesa_core::NewTicket;
    let t = migrated_db();
    let target = PgTarget::parse(&t.url()).unwrap();
    let (mut a, _b, dir) = two_stores(&t);
    let number = a
        .create_ticket(
            &NewTicket {
                requester: "Rosa Díaz".into(),
                department: "Tesorería".into(),
                description: "Adjunto el pantallazo del error".into(),
                ..Default::default()
            },
            "Ana",
            at("2026-03-02T09:05"),
        )
        .unwrap()
        .number;
    let owner = AttachmentOwner::Ticket(number.clone());
    let content = b"%PDF-1.4\n% pantallazo del error de nomina\n%%EOF\n".to_vec();
    let att = a
        .attach_bytes(
            &owner,
            "pantallazo.pdf",
            &content,
            "Ana",
            at("2026-03-02T09:06"),
        )
        .unwrap();
    // The database as a version before 0006 left it: no content tables, schema at 5.
    let mut c = t.connect();
    c.batch_execute(
        "DROP TABLE attachment_blob_parts, attachment_blobs, daily_dumps;
         DELETE FROM schema_migrations WHERE version >= 6;",
    )
    .unwrap();
    let backups = dir.path().join("backups");
    let old = pgdump::create(
        &target,
        &backups,
        BackupKind::Manual,
        at("2026-03-02T09:10"),
        true,
    )
    .unwrap();
    assert_eq!(old.schema_version, 5);
    let dump = backups.join(&old.file_name);
    // That version copied the attachments folder beside the dump.
    let beside = dump.with_extension("attachments");
    std::fs::create_dir_all(beside.join(&att.sha256[..2])).unwrap();
    std::fs::write(
        beside.join(&att.sha256[..2]).join(&att.sha256[2..]),
        &content,
    )
    .unwrap();
    // The server is brought up to date again (empty content tables), then the dump restored.
    pg::migrate(&mut c).unwrap();
    drop(c);
    a.restore_backup(&dump, at("2026-03-02T11:30")).unwrap();
    // Another workstation, with an empty cache, opens the file: its content came from the folder.
    let other = tempfile::tempdir().unwrap();
    let s = mesa_core::Store::open_server(&target, Some(other.path())).unwrap();
    let (_, path) = s.attachment_blob(&owner, att.id).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), content);
    // A restore of the same dump again stores nothing twice.
    a.restore_backup(&dump, at("2026-03-02T11:40")).unwrap();
    let blobs: i64 = a
        .connection()
        .query_row("SELECT count(*) AS n FROM attachment_blobs", [], |r| {
            r.get("n")
        })
        .unwrap();
    assert_eq!(blobs, 1);
}
