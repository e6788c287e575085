//! Backups and restore on real SQLite files: consistent snapshots while another connection
//! writes, restore equal row for row (a full dump of schema and rows), refusal of corrupt/foreign/newer files
//! with nothing changed, daily backups and rotation, pre-migration backups, damaged databases,
//! attachments and file permissions.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::safety::backup::{self, BackupKind};
use mesa_core::*;
use rusqlite::Connection;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn case(s: &mut Store, who: &str, now: DateTime<Utc>) -> Ticket {
    let i = NewTicket {
        requester: who.into(),
        department: "Tesorería".into(),
        description: "El equipo no enciende".into(),
        ..Default::default()
    };
    s.create_ticket(&i, "Técnico de sistemas", now).unwrap()
}

fn seeded(dir: &Path, n: usize) -> Store {
    let mut s = Store::open(&paths::db_path(dir)).unwrap();
    tickets::demo::generate(&mut s, n, 11, at("2026-03-02T09:00")).unwrap();
    s
}

/// Every schema object and every row of `file`, in a stable order, as SQL text (the shape of
/// `sqlite3 FILE .dump`: `CREATE …;` then `INSERT INTO name VALUES(…);` per row, values through
/// SQLite's own `quote()`). Written in Rust, not by the `sqlite3` shell, so the same row-for-row
/// assertions run on Linux and on Windows (under Wine, where the shell is not available).
fn dump(file: &Path) -> String {
    let c = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut out = String::new();
    let objects: Vec<(String, String, Option<String>)> = c
        .prepare(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'
             ORDER BY type = 'table' DESC, name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (_, _, sql) in &objects {
        if let Some(sql) = sql {
            out.push_str(sql);
            out.push_str(";\n");
        }
    }
    for (kind, name, sql) in &objects {
        let virtual_table = sql
            .as_deref()
            .is_some_and(|s| s.starts_with("CREATE VIRTUAL"));
        if kind != "table" || virtual_table {
            continue;
        }
        let cols: Vec<String> = c
            .prepare(&format!("SELECT name FROM pragma_table_info('{name}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let values = cols
            .iter()
            .map(|col| format!("quote(\"{col}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let without_rowid = sql.as_deref().is_some_and(|s| s.contains("WITHOUT ROWID"));
        let order = if without_rowid { "1" } else { "rowid" };
        let mut st = c
            .prepare(&format!(
                "SELECT 'INSERT INTO {name} VALUES(' || {values} || ');' FROM \"{name}\" ORDER BY {order}"
            ))
            .unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for r in rows {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
    }
    out
}

fn count(file: &Path, sql: &str) -> i64 {
    let c = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn backups_taken_while_another_connection_writes_are_consistent_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let db = paths::db_path(dir.path());
    let reader = seeded(dir.path(), 50);
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (stop, written, db) = (stop.clone(), written.clone(), db.clone());
        std::thread::spawn(move || {
            let mut w = Store::open(&db).unwrap();
            let mut k = 0;
            while !stop.load(Ordering::Relaxed) {
                case(&mut w, &format!("Escritor {k}"), at("2026-03-03T10:00"));
                k += 1;
                written.store(k, Ordering::Relaxed);
            }
        })
    };
    let out = tempfile::tempdir().unwrap();
    let mut seen = vec![];
    for _ in 0..8 {
        while written.load(Ordering::Relaxed) < (seen.len() + 1) * 5 {
            std::thread::yield_now();
        }
        let b = reader
            .backup_now(BackupKind::Manual, Some(out.path()), at("2026-03-03T10:00"))
            .unwrap();
        let p = PathBuf::from(&b.path);
        // passes integrity_check again, opened independently
        assert_eq!(backup::verify(&p).unwrap().counts, b.counts);
        // a consistent snapshot: every case has its creation event, its audit entry and its
        // consecutive number, and nothing else
        let tickets = count(&p, "SELECT count(*) FROM tickets");
        assert_eq!(tickets, b.counts.cases);
        assert_eq!(
            count(
                &p,
                "SELECT count(*) FROM ticket_events WHERE kind = 'create'"
            ),
            tickets
        );
        assert_eq!(
            count(
                &p,
                "SELECT count(*) FROM audit_log WHERE table_name = 'tickets' AND action = 'create'"
            ),
            tickets
        );
        assert_eq!(count(&p, "SELECT sum(last) FROM ticket_counters"), tickets);
        seen.push(tickets);
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(
        seen.last() > seen.first(),
        "hubo escrituras durante las copias: {seen:?}"
    );
    assert_eq!(backup::list(out.path()).unwrap().len(), 8);
}

#[test]
fn restore_round_trip_is_equal_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = paths::db_path(dir.path());
    let mut s = seeded(dir.path(), 300);
    let t = case(&mut s, "Ana Gutiérrez", at("2026-03-03T10:00"));
    s.apply_action(
        &t.number,
        &TicketAction::Assign {
            to: "Ingeniero de sistemas".into(),
        },
        "Ana",
        at("2026-03-03T10:05"),
    )
    .unwrap();
    let b = s
        .backup_now(BackupKind::Manual, None, at("2026-03-03T11:00"))
        .unwrap();
    let backup_file = PathBuf::from(&b.path);
    let backup_dump = dump(&backup_file);
    let backup_bytes = std::fs::read(&backup_file).unwrap();
    assert!(backup_dump.contains("CREATE TABLE tickets"));
    assert_eq!(b.counts.cases, 301);

    // change things after the backup
    for k in 0..20 {
        case(&mut s, &format!("Después {k}"), at("2026-03-04T10:00"));
    }
    s.upsert_staff("Nuevo técnico", "tecnico", 1).unwrap();
    let before_restore = dump(&db);
    assert_ne!(before_restore, backup_dump);

    let r = s
        .restore_backup(&backup_file, at("2026-03-04T12:00"))
        .unwrap();
    assert_eq!(r.restored.counts.cases, 301);
    // the safety copy holds exactly the database as it was before the restore
    let safety = PathBuf::from(&r.safety_copy.as_ref().unwrap().path);
    assert_eq!(dump(&safety), before_restore);
    assert_eq!(
        r.safety_copy.as_ref().unwrap().kind,
        Some(BackupKind::PreRestore)
    );

    // the live database equals the backup row for row, plus the audit entry of the restore
    let after = dump(&db);
    let restore_line =
        |l: &&str| l.starts_with("INSERT INTO audit_log") && l.contains("'database'");
    let extra: Vec<&str> = after.lines().filter(restore_line).collect();
    assert_eq!(extra.len(), 1, "{extra:?}");
    let after_without: Vec<&str> = after.lines().filter(|l| !restore_line(l)).collect();
    assert_eq!(after_without, backup_dump.lines().collect::<Vec<_>>());
    // the backup file itself was not touched
    assert_eq!(std::fs::read(&backup_file).unwrap(), backup_bytes);
    // the store works on the restored data
    assert_eq!(
        s.list_tickets(
            &TicketQuery {
                limit: 1000,
                ..Default::default()
            },
            at("2026-03-04T12:00")
        )
        .unwrap()
        .items
        .len(),
        301
    );
    let n = case(&mut s, "Tras restaurar", at("2026-03-04T12:30"));
    assert!(
        n.number.ends_with("-0302") || n.number.contains("2026"),
        "{}",
        n.number
    );
    drop(s);
    // reopening after the restore is fine and the file passes integrity_check
    let s = Store::open(&db).unwrap();
    s.health_check().unwrap();
}

/// Overwrites `len` bytes at `offset` of a copy.
fn damaged_copy(src: &Path, dst: &Path, offset: usize, len: usize) {
    let mut b = std::fs::read(src).unwrap();
    for (i, x) in b.iter_mut().skip(offset).take(len).enumerate() {
        *x = (i as u8).wrapping_mul(37).wrapping_add(11);
    }
    std::fs::write(dst, b).unwrap();
}

#[test]
fn corrupt_foreign_and_newer_files_are_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = paths::db_path(dir.path());
    let mut s = seeded(dir.path(), 400);
    let good = s
        .backup_now(BackupKind::Manual, None, at("2026-03-03T11:00"))
        .unwrap();
    let good = PathBuf::from(&good.path);
    let cand = tempfile::tempdir().unwrap();
    let c = cand.path();

    let text = c.join("texto.db");
    std::fs::write(
        &text,
        "esto no es una base de datos, es una lista de compras\n".repeat(100),
    )
    .unwrap();
    let empty = c.join("vacio.db");
    std::fs::write(&empty, b"").unwrap();
    // a page in the middle of the tickets table overwritten
    let page_size = 4096;
    let pages = std::fs::metadata(&good).unwrap().len() as usize / page_size;
    let corrupt = c.join("danada.db");
    damaged_copy(&good, &corrupt, page_size * (pages / 2) + 8, 2000);
    // the header torn
    let torn = c.join("cabecera.db");
    damaged_copy(&good, &torn, 0, 100);
    // half the file
    let truncated = c.join("truncada.db");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    // another application's database
    let foreign = c.join("ajena.db");
    {
        let f = Connection::open(&foreign).unwrap();
        f.execute_batch("CREATE TABLE clientes(id INTEGER PRIMARY KEY, nombre TEXT); INSERT INTO clientes(nombre) VALUES ('x');")
            .unwrap();
    }
    // ours, but from a newer version
    let newer = c.join("nueva.db");
    std::fs::copy(&good, &newer).unwrap();
    {
        let f = Connection::open(&newer).unwrap();
        f.pragma_update(None, "user_version", db::latest_version() + 1)
            .unwrap();
    }

    let live_before = dump(&db);
    let backups_before = files_in(&backup::default_dir(&db));
    for (file, codes) in [
        (&text, &["backup_not_sqlite"][..]),
        (&empty, &["backup_not_sqlite"]),
        (&torn, &["backup_not_sqlite"]),
        (&corrupt, &["backup_corrupt"]),
        (&truncated, &["backup_corrupt"]),
        (&foreign, &["backup_foreign"]),
        (&newer, &["backup_too_new"]),
    ] {
        let bytes_before = std::fs::read(file).unwrap();
        let e = backup::verify(file).unwrap_err();
        assert!(
            codes.contains(&e.code()),
            "{}: {} ({e})",
            file.display(),
            e.code()
        );
        let e = s.restore_backup(file, at("2026-03-04T12:00")).unwrap_err();
        assert!(
            codes.contains(&e.code()),
            "{}: {}",
            file.display(),
            e.code()
        );
        let msg = e.to_string();
        assert!(
            msg.contains("No se cambió nada") || msg.contains("no se cambió nada"),
            "{msg}"
        );
        assert!(msg.contains(&file.display().to_string()), "{msg}");
        assert_eq!(
            std::fs::read(file).unwrap(),
            bytes_before,
            "{}",
            file.display()
        );
    }
    assert_eq!(dump(&db), live_before, "la base de datos no cambió");
    assert_eq!(
        files_in(&backup::default_dir(&db)),
        backups_before,
        "ni se hicieron copias"
    );
    // the good one is still accepted
    s.restore_backup(&good, at("2026-03-04T12:00")).unwrap();
}

#[test]
fn daily_backup_once_a_day_and_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let s = seeded(dir.path(), 20);
    let bdir = s.backups_dir().unwrap();
    let d0 = at("2026-01-01T08:30");
    assert!(s.ensure_daily_backup(d0).unwrap().is_some());
    assert!(
        s.ensure_daily_backup(d0 + Duration::hours(9))
            .unwrap()
            .is_none(),
        "mismo día"
    );
    let manual = s
        .backup_now(BackupKind::Manual, None, d0 + Duration::hours(1))
        .unwrap();
    // 23:30 Bogota is still the same day, although it is the next day in UTC
    assert!(s
        .ensure_daily_backup(at("2026-01-01T23:30"))
        .unwrap()
        .is_none());
    for d in 1..90 {
        let b = s.ensure_daily_backup(d0 + Duration::days(d)).unwrap();
        assert!(b.is_some(), "día {d}");
    }
    let list = s.backups().unwrap();
    let daily: Vec<_> = list
        .iter()
        .filter(|b| b.kind == Some(BackupKind::Daily))
        .collect();
    // 7 days + 2 more weeks + 2 more months (Jan 31, Feb 28), see the unit test of select_keep
    assert_eq!(
        daily.len(),
        11,
        "{:?}",
        daily.iter().map(|b| &b.file_name).collect::<Vec<_>>()
    );
    assert!(
        list.iter().any(|b| b.file_name == manual.file_name),
        "la manual se conserva"
    );
    // every listed backup has its manifest and counts
    for b in &list {
        assert_eq!(b.counts.cases, 20);
        assert!(Path::new(&b.path).with_extension("json").is_file());
        assert!(b.size_bytes > 0);
    }
    // newest first
    assert!(list[0].created_at > list[1].created_at);
    // nothing but ours in the folder (no temp files left)
    for f in files_in(&bdir) {
        assert!(f.ends_with(".db") || f.ends_with(".json"), "{f}");
    }
    // pre-* kinds keep the newest 10 each
    for k in 0..13 {
        s.backup_before(
            BackupKind::PreImport,
            d0 + Duration::days(100) + Duration::minutes(k),
        )
        .unwrap();
    }
    let pre = s
        .backups()
        .unwrap()
        .into_iter()
        .filter(|b| b.kind == Some(BackupKind::PreImport))
        .count();
    assert_eq!(pre, 10);
}

#[test]
fn backup_to_a_chosen_folder_is_never_rotated_and_files_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let s = seeded(dir.path(), 10);
    std::fs::create_dir_all(dir.path().join("attachments/2026")).unwrap();
    std::fs::write(
        dir.path().join("attachments/2026/acta.pdf"),
        b"%PDF-1.4 prueba",
    )
    .unwrap();
    std::fs::write(dir.path().join("attachments/foto.jpg"), b"jpeg").unwrap();
    let usb = tempfile::tempdir().unwrap();
    for d in 0..12 {
        s.backup_now(
            BackupKind::Manual,
            Some(usb.path()),
            at("2026-01-01T08:00") + Duration::days(d),
        )
        .unwrap();
    }
    let list = backup::list(usb.path()).unwrap();
    assert_eq!(list.len(), 12);
    let b = &list[0];
    assert_eq!(b.attachments, Some(2));
    let att = Path::new(&b.path).with_extension("attachments");
    assert_eq!(
        std::fs::read(att.join("2026/acta.pdf")).unwrap(),
        b"%PDF-1.4 prueba"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(Path::new(&b.path)), 0o600);
        assert_eq!(mode(&Path::new(&b.path).with_extension("json")), 0o600);
        assert_eq!(mode(&att.join("2026/acta.pdf")), 0o600);
        assert_eq!(mode(&paths::db_path(dir.path())), 0o600);
        let auto = s
            .backup_now(BackupKind::Manual, None, at("2026-02-01T08:00"))
            .unwrap();
        assert_eq!(mode(Path::new(&auto.path)), 0o600);
        assert_eq!(mode(&s.backups_dir().unwrap()), 0o700);
    }
    // restoring brings the attachments of the backup back
    std::fs::remove_file(dir.path().join("attachments/foto.jpg")).unwrap();
    let mut s = s;
    s.restore_backup(Path::new(&b.path), at("2026-03-01T08:00"))
        .unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("attachments/foto.jpg")).unwrap(),
        b"jpeg"
    );
}

#[test]
fn a_backup_is_made_before_migrating_an_existing_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = paths::db_path(dir.path());
    // a database as the previous version left it: every migration but the last
    {
        let c = Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
             checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))) STRICT;",
        )
        .unwrap();
        let prev = &db::MIGRATIONS[..db::MIGRATIONS.len() - 1];
        for m in prev {
            c.execute_batch(m.sql).unwrap();
            c.execute(
                "INSERT INTO schema_migrations(version, name, checksum) VALUES (?1, ?2, ?3)",
                rusqlite::params![m.version, m.name, db::checksum(m.sql)],
            )
            .unwrap();
        }
        c.pragma_update(None, "user_version", prev.last().unwrap().version)
            .unwrap();
        c.pragma_update(None, "application_id", db::APPLICATION_ID)
            .unwrap();
        c.execute(
            "INSERT INTO tickets(number, year, seq, registered_at, requester, department, channel,
             origin, priority, status, description) VALUES ('MA-2026-0001', 2026, 1,
             '2026-03-02T14:00:00Z', 'Ana', 'Tesorería', 'correo', 'interna', 'media', 'new', 'x')",
            [],
        )
        .unwrap();
    }
    let s = Store::open(&db).unwrap();
    let list = s.backups().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].kind, Some(BackupKind::PreMigration));
    assert_eq!(list[0].schema_version, db::latest_version() - 1);
    assert_eq!(list[0].counts.cases, 1);
    drop(s);
    // an up-to-date database is not backed up again at open; a new one neither
    let _ = Store::open(&db).unwrap();
    assert_eq!(backup::list(&backup::default_dir(&db)).unwrap().len(), 1);
    let fresh = tempfile::tempdir().unwrap();
    let _ = Store::open(&paths::db_path(fresh.path())).unwrap();
    assert!(!fresh.path().join("backups").exists());
}

/// On a workstation moved to a server, the store failing to open means the server did not
/// answer: the local file is the copy kept from before the move and is not replaced.
#[cfg(feature = "postgres")]
#[test]
fn a_server_workstation_does_not_restore_over_its_kept_local_file() {
    use mesa_core::db::pg::{workstation, PgTarget};
    let dir = tempfile::tempdir().unwrap();
    let db = paths::db_path(dir.path());
    let s = seeded(dir.path(), 20);
    let b = s
        .backup_now(BackupKind::Manual, None, at("2026-03-01T08:00"))
        .unwrap();
    drop(s);
    let before = std::fs::read(&db).unwrap();
    let ws = workstation::WorkstationServer::from_target(&PgTarget {
        host: "servidor-oficina".into(),
        port: 5432,
        dbname: "mesa_ayuda".into(),
        user: "mesa".into(),
        password: None,
    });
    workstation::write(dir.path(), &ws).unwrap();
    let e = backup::restore_file(&db, Path::new(&b.path), at("2026-03-02T08:00")).unwrap_err();
    assert_eq!(e.code(), "server", "{e}");
    assert!(
        e.to_string().contains("servidor-oficina:5432") && e.to_string().contains("no se restaura"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "el archivo local no se toca"
    );
    assert!(
        !backup::default_dir(&db).read_dir().unwrap().any(|f| f
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("danada-")),
        "nada se mueve aparte"
    );
}

#[test]
fn a_damaged_database_is_detected_and_the_latest_good_backup_restored() {
    let dir = tempfile::tempdir().unwrap();
    let db = paths::db_path(dir.path());
    let s = seeded(dir.path(), 200);
    s.backup_now(BackupKind::Daily, None, at("2026-03-01T08:00"))
        .unwrap();
    let newest = s
        .backup_now(BackupKind::Manual, None, at("2026-03-02T08:00"))
        .unwrap();
    // the newest backup file gets damaged too: the latest *good* one is the daily
    damaged_copy(
        Path::new(&newest.path),
        Path::new(&newest.path),
        4096 * 3 + 8,
        3000,
    );
    drop(s);
    // the database header is destroyed
    damaged_copy(&db, &db, 0, 100);
    let e = Store::open(&db).err().expect("debe fallar");
    assert!(backup::is_damage(&e), "{} {e}", e.code());
    let good = backup::latest_good(&backup::default_dir(&db))
        .unwrap()
        .unwrap();
    assert_eq!(good.kind, Some(BackupKind::Daily));
    let r = backup::restore_file(&db, Path::new(&good.path), at("2026-03-03T08:00")).unwrap();
    let moved = PathBuf::from(r.damaged_copy.unwrap());
    assert!(moved.is_file(), "la base dañada se conserva aparte");
    let s = Store::open(&db).unwrap();
    s.health_check().unwrap();
    assert_eq!(
        s.connection()
            .query_row("SELECT count(*) FROM tickets", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        200
    );
    drop(s);
    // damage in the middle of the file: opening may work, the health check does not
    let p = std::fs::metadata(&db).unwrap().len() as usize / 4096;
    {
        let c = Connection::open(&db).unwrap();
        let _: String = c
            .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))
            .unwrap();
    }
    damaged_copy(&db, &db, 4096 * (p / 2) + 8, 3000);
    match Store::open(&db) {
        Err(e) => assert!(backup::is_damage(&e), "{e}"),
        Ok(s) => {
            let e = s.health_check().unwrap_err();
            assert_eq!(e.code(), "database_damaged");
            assert!(e.to_string().contains("dañada"));
        }
    }
}
