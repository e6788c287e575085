//! A throw-away PostgreSQL cluster on loopback for the app's E2E tests (the same cluster as
//! this crate's tests, `tests/suite/pg_support.rs`: `initdb` + `postgres`, as `nobody` when
//! root, stopped and deleted when this process ends), driven over stdin/stdout:
//!
//! ```text
//! cargo run -p mesa-core --features postgres --example pg_server
//! ```
//!
//! prints `{"port": N}` once the cluster is up, then reads commands, one per line, answering
//! one JSON line each:
//! - `empty` → a new empty database (`{"port", "user", "password", "database", "url"}`), the
//!   target of a move;
//! - `migrated` → a new database with the full schema;
//! - `quit` (or end of input) stops the cluster and exits.
#[path = "../tests/suite/pg_support.rs"]
mod pg_support;

use std::io::{BufRead, Write};

use pg_support::{empty_db, migrated_db, TestDb, PASSWORD, USER};

fn describe(db: &TestDb) -> serde_json::Value {
    serde_json::json!({
        "port": db.port,
        "user": USER,
        "password": PASSWORD,
        "database": db.name,
        "url": db.url(),
    })
}

fn main() {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        serde_json::json!({ "port": pg_support::cluster().port })
    )
    .ok();
    out.flush().ok();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let answer = match line.trim() {
            "quit" => break,
            "empty" => describe(&empty_db()),
            "migrated" => describe(&migrated_db()),
            other => serde_json::json!({ "error": format!("orden desconocida: {other}") }),
        };
        writeln!(out, "{answer}").ok();
        out.flush().ok();
    }
}
