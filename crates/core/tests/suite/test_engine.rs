//! `MESA_TEST_ENGINE`: which engine a test run uses (issue 17), shared by mesa-core's and
//! mesa-cli's suites (the CLI includes this file by path). Unset or `sqlite`: SQLite;
//! `postgres`: a fresh database of the `pg_support` cluster per test.
#![allow(dead_code)]

use std::io::Write;

/// True when this run's engine is PostgreSQL (`MESA_TEST_ENGINE=postgres`).
pub fn is_postgres() -> bool {
    match std::env::var("MESA_TEST_ENGINE") {
        Err(_) => false,
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "" | "sqlite" => false,
            "postgres" | "postgresql" | "pg" => true,
            other => panic!("MESA_TEST_ENGINE={other}: use «sqlite» o «postgres»"),
        },
    }
}

/// Call first in a test that has meaning only on SQLite (the `mesa.db` file, its backups, WAL,
/// SQLite triggers): true on PostgreSQL, after printing the test's name and `reason` to the
/// terminal, so a skipped test is seen, not silently passed.
pub fn skip_on_postgres(reason: &str) -> bool {
    if !is_postgres() {
        return false;
    }
    let name = std::thread::current()
        .name()
        .unwrap_or("(prueba)")
        .to_string();
    // Straight to stderr: the harness captures print!/eprint!, not this.
    let _ = writeln!(std::io::stderr(), "OMITIDA en PostgreSQL: {name}: {reason}");
    true
}
