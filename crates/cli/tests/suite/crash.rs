//! Crash safety: the real `mesa` binary writes a large batch (`mesa demo --cases N`, one
//! transaction) and is killed with SIGKILL at 24 points spread over the run (deterministic
//! pseudo-random delays). After every kill the database passes `PRAGMA integrity_check` and
//! holds either the whole batch or none of it; then the next run completes normally on it.
#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

const N: usize = 3000;
const KILLS: u64 = 24;

fn mesa(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mesa"));
    c.env_remove("MESA_USER")
        .env("MESA_DATA_DIR", data)
        .arg("--data-dir")
        .arg(data)
        .arg("--now")
        .arg("2026-03-02T09:00")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn check(db: &Path) -> (String, i64) {
    let c = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
    let ic: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    let events: i64 = c
        .query_row("SELECT count(*) FROM ticket_events", [], |r| r.get(0))
        .unwrap();
    let audit: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE table_name = 'tickets'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(events, n, "cada caso con su evento de creación");
    assert_eq!(audit, n, "cada caso con su registro de auditoría");
    (ic, n)
}

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn sigkill_during_a_large_write_never_damages_the_database() {
    // A migrated database with its daily backup, as a template for every run.
    let template = tempfile::tempdir().unwrap();
    assert!(mesa(template.path())
        .arg("info")
        .status()
        .unwrap()
        .success());
    assert!(mesa(template.path())
        .args(["catalog", "list"])
        .status()
        .unwrap()
        .success());

    // One full run to know how long the write takes.
    let full = tempfile::tempdir().unwrap();
    copy_dir(template.path(), full.path());
    let started = Instant::now();
    let st = mesa(full.path())
        .args(["demo", "--cases", &N.to_string()])
        .status()
        .unwrap();
    let total = started.elapsed();
    assert!(st.success());
    assert_eq!(check(&full.path().join("mesa.db")), ("ok".into(), N as i64));

    let mut seed = 0x4D45_5341_u64;
    let (mut none, mut whole) = (0, 0);
    for i in 0..KILLS {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(template.path(), dir.path());
        // spread over the run: slot i of KILLS, jittered inside the slot; a few past the end
        let slot = total.as_secs_f64() * 1.1 / KILLS as f64;
        let jitter = (splitmix(&mut seed) % 1000) as f64 / 1000.0;
        let delay = Duration::from_secs_f64(slot * (i as f64 + jitter));
        let mut child = mesa(dir.path())
            .args(["demo", "--cases", &N.to_string()])
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        // SIGKILL (Child::kill sends SIGKILL on Unix)
        let _ = child.kill();
        let _ = child.wait();
        let db = dir.path().join("mesa.db");
        let (ic, n) = check(&db);
        assert_eq!(ic, "ok", "muerte {i} a los {delay:?}: integridad");
        assert!(
            n == 0 || n == N as i64,
            "muerte {i} a los {delay:?}: {n} casos (ni 0 ni {N})"
        );
        if n == 0 {
            none += 1;
        } else {
            whole += 1;
        }
        // the database keeps working after the crash
        if i % 6 == 0 {
            assert!(mesa(dir.path())
                .args(["demo", "--cases", "10"])
                .status()
                .unwrap()
                .success());
            assert_eq!(check(&db), ("ok".into(), n + 10));
        }
    }
    eprintln!(
        "{KILLS} muertes: {none} sin el lote, {whole} con el lote completo (escritura {total:?})"
    );
    assert!(
        none >= KILLS as usize / 2,
        "la mayoría de las muertes cae durante la escritura"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}
