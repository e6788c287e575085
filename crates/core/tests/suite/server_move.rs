//! `mesa_core::server` (issue 17) against the real test cluster: what Ajustes → Servidor and
//! `mesa server` share — status before and after, the preview's counts (nothing copied), the
//! move with its progress, the password handed to the caller's store before the switch, the
//! refusals (non-administrator, already on a server, a password store that fails), use-local.

use std::path::Path;

use chrono::{DateTime, Utc};
use mesa_core::people::{Principal, Role};
use mesa_core::server::{self, MoveProgress, ServerForm};
use mesa_core::{paths, Store};

use super::pg_support::{empty_db, TestDb, PASSWORD, USER};

fn at(s: &str) -> DateTime<Utc> {
    mesa_core::clock::parse_time_input("prueba", s).unwrap()
}

fn demo(dir: &Path, n: usize) -> Store {
    let mut s = Store::open(&paths::db_path(dir)).unwrap();
    mesa_core::tickets::demo::generate(&mut s, n, 5, at("2026-03-02T09:00")).unwrap();
    s
}

fn form(db: &TestDb) -> ServerForm {
    ServerForm {
        host: "127.0.0.1".into(),
        port: db.port,
        database: db.name.clone(),
        user: USER.into(),
        password: PASSWORD.into(),
    }
}

fn tickets_on(db: &TestDb) -> i64 {
    db.connect()
        .query_one("SELECT count(*) AS n FROM tickets", &[])
        .unwrap()
        .get("n")
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn preview_then_move_with_progress_switches_the_workstation_and_use_local_goes_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo(dir.path(), 60);
    let st = server::status(dir.path(), |_| None).unwrap();
    assert_eq!(st.engine, "sqlite");
    assert_eq!(st.schema_version, Some(mesa_core::db::latest_version()));
    assert!(st.connected);

    let target = empty_db();
    let url = form(&target).url();
    let plan = store.server_preview(dir.path(), &url).unwrap();
    assert!(plan.server_ready, "{plan:?}");
    assert!(plan.server_problem.is_none());
    let tickets = plan.tables.iter().find(|t| t.table == "tickets").unwrap();
    assert_eq!(tickets.rows, 60);
    assert_eq!(
        plan.total_rows,
        plan.tables.iter().map(|t| t.rows).sum::<i64>()
    );
    assert!(mesa_core::db::pg::tables(&mut target.connect())
        .unwrap()
        .is_empty());

    // A password store that fails: the data went in, but the workstation is not switched.
    let other = empty_db();
    let e = store
        .server_move(
            dir.path(),
            &form(&other).url(),
            "Ana Administradora",
            at("2026-03-03T10:00"),
            |_, _| Err("almacén cerrado".into()),
            &mut |_| {},
        )
        .unwrap_err();
    assert_eq!(e.code(), "server");
    assert!(e.to_string().contains("almacén cerrado"), "{e}");
    assert!(e.to_string().contains("sigue con SQLite"), "{e}");
    assert_eq!(
        server::status(dir.path(), |_| None).unwrap().engine,
        "sqlite"
    );

    let mut saved = None;
    let mut seen: Vec<MoveProgress> = Vec::new();
    let report = store
        .server_move(
            dir.path(),
            &url,
            "Ana Administradora",
            at("2026-03-03T10:00"),
            |key, pw| {
                saved = Some((key.to_string(), pw.to_string()));
                Ok(())
            },
            &mut |p| seen.push(p),
        )
        .unwrap();
    assert_eq!(report.total_rows, plan.total_rows);
    assert!(report.sampled_rows > 0);
    assert_eq!(tickets_on(&target), 60);
    // The copied tables were vacuumed and analysed at the end (statistics for the planner).
    let analysed: bool = target
        .connect()
        .query_one(
            "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL AS done
               FROM pg_stat_user_tables WHERE relname = 'tickets'",
            &[],
        )
        .unwrap()
        .get("done");
    assert!(analysed);
    let (key, pw) = saved.unwrap();
    assert_eq!(
        key,
        format!(
            "postgresql://{USER}@127.0.0.1:{}/{}",
            target.port, target.name
        )
    );
    assert_eq!(pw, PASSWORD);
    // Progress: a report per table, never backwards, ending with every row and the check.
    assert!(seen.len() >= plan.tables.len(), "{}", seen.len());
    assert!(seen.windows(2).all(|w| w[0].rows_done <= w[1].rows_done));
    let last = seen.last().unwrap();
    assert_eq!(last.table, "verificando");
    assert_eq!(last.rows_done, plan.total_rows);
    assert!(seen.iter().all(|p| p.rows_total == plan.total_rows));

    let st = server::status(dir.path(), |k| (k == key).then(|| PASSWORD.to_string())).unwrap();
    assert_eq!(st.engine, "postgresql");
    assert!(st.connected, "{st:?}");
    assert!(st.password_stored);
    assert_eq!(st.database.as_deref(), Some(target.name.as_str()));
    assert_eq!(st.schema_version, Some(mesa_core::db::pg::latest_version()));
    assert_eq!(st.migrated_at.as_deref(), Some("2026-03-03T15:00:00Z"));
    // Without the password the server refuses: a status, not an error.
    let st = server::status(dir.path(), |_| None).unwrap();
    assert!(
        !st.connected && !st.password_stored && st.error.is_some(),
        "{st:?}"
    );

    // Already on a server: neither a preview nor a second move.
    let e = store.server_preview(dir.path(), &url).unwrap_err();
    assert!(e.to_string().contains("ya usa el servidor"), "{e}");

    assert!(store.server_use_local(dir.path()).unwrap());
    assert!(!store.server_use_local(dir.path()).unwrap());
    assert_eq!(
        server::status(dir.path(), |_| None).unwrap().engine,
        "sqlite"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn only_the_administrator_moves_and_a_non_empty_or_unreachable_server_is_a_reason_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo(dir.path(), 5);
    let target = empty_db();
    store.set_principal(Some(Principal {
        login: "con".into(),
        name: "Carlos Consulta".into(),
        cargo: "Contratista".into(),
        role: Role::Consulta,
    }));
    let e = store
        .server_preview(dir.path(), &form(&target).url())
        .unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
    let e = store.server_use_local(dir.path()).unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
    store.set_principal(None);

    let mut closed = form(&target);
    closed.port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let plan = store.server_preview(dir.path(), &closed.url()).unwrap();
    assert!(!plan.server_ready);
    assert!(plan.server_problem.is_some());

    let mut no_pw = form(&target);
    no_pw.password.clear();
    let e = store.server_preview(dir.path(), &no_pw.url()).unwrap_err();
    assert_eq!(e.code(), "validation", "{e}");
}

/// A SQLite office with a case carrying three attachments (two with the same content).
fn office_with_attachments(dir: &Path) -> (Store, String, Vec<(i64, Vec<u8>)>) {
    use mesa_core::attachments::AttachmentOwner;
    let mut s = demo(dir, 3);
    let number = s
        .create_ticket(
            &mesa_core::NewTicket {
                requester: "Ana Gutiérrez".into(),
                department: "Contabilidad".into(),
                description: "La impresora no imprime".into(),
                ..Default::default()
            },
            "Ana",
            at("2026-03-02T10:00"),
        )
        .unwrap()
        .number;
    let owner = AttachmentOwner::Ticket(number.clone());
    let pdf = b"%PDF-1.7\nacta de entrega\n%%EOF\n".to_vec();
    let big: Vec<u8> = (0..(1024 * 1024 + 7)).map(|i| (i % 253) as u8).collect();
    let mut out = vec![];
    for (name, bytes) in [
        ("acta.pdf", &pdf),
        ("copia.pdf", &pdf),
        ("planos.bin", &big),
    ] {
        let a = s
            .attach_bytes(&owner, name, bytes, "Ana", at("2026-03-02T10:05"))
            .unwrap();
        out.push((a.id, bytes.clone()));
    }
    (s, number, out)
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn the_attachments_files_move_to_the_server_and_open_on_another_workstation() {
    use mesa_core::attachments::AttachmentOwner;
    let dir = tempfile::tempdir().unwrap();
    let (store, number, files) = office_with_attachments(dir.path());
    let target = empty_db();
    let url = form(&target).url();
    let plan = store.server_preview(dir.path(), &url).unwrap();
    assert!(plan.server_ready, "{plan:?}");
    let line = |tables: &[server::TableRows]| {
        tables
            .iter()
            .find(|t| t.table == "attachment_blobs")
            .map(|t| t.rows)
    };
    assert_eq!(line(&plan.tables), Some(2), "two distinct files");
    let mut seen: Vec<MoveProgress> = Vec::new();
    let report = store
        .server_move(
            dir.path(),
            &url,
            "Ana Administradora",
            at("2026-03-03T10:00"),
            |_, _| Ok(()),
            &mut |p| seen.push(p),
        )
        .unwrap();
    assert_eq!(line(&report.tables), Some(2));
    assert_eq!(report.total_rows, plan.total_rows);
    assert!(seen.windows(2).all(|w| w[0].rows_done <= w[1].rows_done));
    assert!(seen.iter().any(|p| p.table == "archivos adjuntos"));
    assert_eq!(seen.last().unwrap().rows_done, plan.total_rows);
    let mut c = target.connect();
    let n: i64 = c
        .query_one("SELECT count(*) AS n FROM attachment_blobs", &[])
        .unwrap()
        .get("n");
    assert_eq!(n, 2);
    let parts: i64 = c
        .query_one("SELECT count(*) AS n FROM attachment_blob_parts", &[])
        .unwrap()
        .get("n");
    assert_eq!(parts, 1 + 2, "the big file in two pieces");

    // Another workstation (its own data folder) opens every attachment from the server.
    let other = tempfile::tempdir().unwrap();
    let pg = mesa_core::db::pg::PgTarget::parse(&target.url()).unwrap();
    let b = Store::open_server(&pg, Some(other.path())).unwrap();
    let owner = AttachmentOwner::Ticket(number);
    for (id, bytes) in &files {
        let (_, p) = b.attachment_blob(&owner, *id).unwrap();
        assert!(p.starts_with(other.path()), "{p:?}");
        assert_eq!(&std::fs::read(&p).unwrap(), bytes);
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn a_missing_attachment_file_stops_the_move_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let (store, number, _) = office_with_attachments(dir.path());
    // The big file is lost from the data folder (a disk cleanup, a bad copy).
    let big: Vec<u8> = (0..(1024 * 1024 + 7)).map(|i| (i % 253) as u8).collect();
    let sha: String = {
        use sha2::{Digest, Sha256};
        Sha256::digest(&big)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    std::fs::remove_file(mesa_core::attachments::blob_path(dir.path(), &sha)).unwrap();
    let target = empty_db();
    let url = form(&target).url();
    let plan = store.server_preview(dir.path(), &url).unwrap();
    assert!(!plan.server_ready);
    let problem = plan.server_problem.unwrap();
    assert!(problem.contains("«planos.bin» del caso"), "{problem}");
    assert!(problem.contains(&number), "{problem}");
    assert!(
        !problem.contains("  "),
        "una sola frase, sin huecos: {problem}"
    );
    let e = store
        .server_move(
            dir.path(),
            &url,
            "Ana Administradora",
            at("2026-03-03T10:00"),
            |_, _| Ok(()),
            &mut |_| {},
        )
        .unwrap_err();
    assert_eq!(e.code(), "validation", "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("planos.bin") && msg.contains("no se copió nada"),
        "{msg}"
    );
    assert!(msg.contains("copia de seguridad"), "{msg}");
    assert!(!msg.contains("  "), "una sola frase, sin huecos: {msg}");
    // Nothing on the server, the workstation still on SQLite.
    assert!(mesa_core::db::pg::tables(&mut target.connect())
        .unwrap()
        .is_empty());
    assert_eq!(
        server::status(dir.path(), |_| None).unwrap().engine,
        "sqlite"
    );
}
