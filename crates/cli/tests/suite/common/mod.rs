//! Shared by the CLI test files: the real `mesa` binary on a temporary data directory, with
//! `MESA_DATA_DIR`, `HOME` and `XDG_DATA_HOME` pointing at a decoy that must stay unused.
//!
//! With `MESA_TEST_ENGINE=postgres` the data directory is a workstation switched to a fresh
//! database of the test cluster (`pg_support`): `servidor.json` written and the password put in
//! the OS credential store directly, as `mesa server migrate --yes` leaves them. Not by running
//! the migration itself: that would copy a new SQLite file into every test's database (the copy
//! is tested once, in `server_cli`), and the template is the same migrated schema.
#![allow(dead_code)] // each test file uses a different subset

use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

pub struct Env {
    pub data: TempDir,
    /// MESA_DATA_DIR points here: it must never be used when --data-dir is given.
    pub decoy: TempDir,
}

#[allow(unused_imports)] // skip_on_postgres: for the SQLite-only tests
pub use crate::test_engine::{is_postgres, skip_on_postgres};

impl Env {
    /// A new workstation: SQLite, or with `MESA_TEST_ENGINE=postgres` a fresh server database.
    pub fn new() -> Self {
        let env = Self::sqlite();
        if is_postgres() {
            env.switch_to(&crate::pg_support::migrated_db());
        }
        env
    }

    /// A new workstation on its SQLite file whatever the run's engine (tests of `mesa server
    /// migrate`, which moves a SQLite file).
    pub fn sqlite() -> Self {
        Env {
            data: tempfile::tempdir().unwrap(),
            decoy: tempfile::tempdir().unwrap(),
        }
    }

    /// Points this workstation at `db` (what `mesa server migrate --yes` leaves behind).
    pub fn switch_to(&self, db: &crate::pg_support::TestDb) {
        use mesa_core::db::pg::{workstation, PgTarget};
        let target = PgTarget::parse(&db.url()).unwrap();
        let ws = workstation::WorkstationServer::from_target(&target);
        mesa_mailnet::secrets::set_secret(&ws.credential_key(), crate::pg_support::PASSWORD)
            .unwrap();
        workstation::write(self.data.path(), &ws).unwrap();
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mesa"));
        c.env("MESA_DATA_DIR", self.decoy.path())
            .env("HOME", self.decoy.path())
            .env("XDG_DATA_HOME", self.decoy.path())
            .env_remove("MESA_USER")
            .env_remove("MESA_PASSWORD")
            .arg("--data-dir")
            .arg(self.data.path());
        c
    }

    /// Runs `mesa --data-dir <tmp> --now <now> args…`.
    pub fn run(&self, now: &str, args: &[&str]) -> Output {
        self.cmd()
            .arg("--now")
            .arg(now)
            .args(args)
            .output()
            .unwrap()
    }

    /// Runs `mesa --data-dir <tmp> args…` without `--now`: the real clock, unless `args` holds
    /// its own `--now`.
    pub fn run_bare(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, now: &str, args: &[&str]) -> String {
        succeeded(self.run(now, args), args)
    }

    /// [`Env::ok`] without `--now` (see [`Env::run_bare`]).
    pub fn ok_bare(&self, args: &[&str]) -> String {
        succeeded(self.run_bare(args), args)
    }

    /// Runs and returns `(success, stdout, stderr)`, the outputs as (lossy) text.
    pub fn outcome(&self, now: &str, args: &[&str]) -> (bool, String, String) {
        let o = self.run(now, args);
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    /// Runs and expects failure; returns stderr.
    pub fn fail(&self, now: &str, args: &[&str]) -> String {
        let o = self.run(now, args);
        assert!(
            !o.status.success(),
            "mesa {args:?} debió fallar: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        assert!(
            o.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        String::from_utf8(o.stderr).unwrap()
    }

    /// Like [`Env::fail`], but stdout may hold output: commands that ask for `--yes` first show
    /// what they would do. Returns stderr.
    pub fn fail_with_preview(&self, now: &str, args: &[&str]) -> String {
        let o = self.run(now, args);
        assert!(!o.status.success(), "mesa {args:?} debió fallar");
        String::from_utf8(o.stderr).unwrap()
    }

    pub fn json(&self, now: &str, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        parse_json(&self.ok(now, &a))
    }

    /// Runs with `--json`, expects failure; returns the `{code, message}` printed on stderr.
    pub fn fails(&self, now: &str, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let o = self.run(now, &a);
        assert!(!o.status.success(), "debió fallar: {args:?}");
        serde_json::from_str(String::from_utf8_lossy(&o.stderr).trim()).unwrap()
    }
}

/// Parses JSON text, naming the text when it is not JSON.
pub fn parse_json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("JSON inválido ({e}): {s}"))
}

fn succeeded(o: Output, args: &[&str]) -> String {
    assert!(
        o.status.success(),
        "mesa {args:?} falló: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stdout).unwrap()
}
