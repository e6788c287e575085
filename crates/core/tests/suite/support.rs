//! Which engine the suite's stores open on (issue 17: the same tests against both engines).
//!
//! `MESA_TEST_ENGINE` unset (or `sqlite`): SQLite, as always — [`store`] is an in-memory
//! database, [`db`] a file in a temp folder. `MESA_TEST_ENGINE=postgres`: every store opens on
//! a fresh database of the throw-away cluster of `pg_support` (a copy of the migrated template,
//! so tests run in parallel without seeing each other's rows), through
//! `Store::open_server` — the same open path as a workstation's.
//!
//! Tests that are SQLite-file-specific by nature (backup files, WAL, SQLite triggers, opening a
//! `mesa.db` that is not ours) call [`skip_on_postgres`] first: on PostgreSQL they print the
//! reason to the terminal (past the test harness's capture) and return.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use mesa_core::{ReadPool, Store};

#[allow(unused_imports)] // skip_on_postgres: for the SQLite-only tests
pub use super::test_engine::{is_postgres, skip_on_postgres};

/// A fresh store on this run's engine: in memory on SQLite; on PostgreSQL a fresh database
/// (no data folder either way).
pub fn store() -> Store {
    if is_postgres() {
        #[cfg(feature = "postgres")]
        {
            let t = super::pg_support::migrated_db();
            let target = mesa_core::db::pg::PgTarget::parse(&t.url()).unwrap();
            return Store::open_server(&target, None).unwrap();
        }
        #[cfg(not(feature = "postgres"))]
        panic!("{NEEDS_FEATURE}");
    }
    Store::open_in_memory().unwrap()
}

const NEEDS_FEATURE: &str = "MESA_TEST_ENGINE=postgres necesita la función postgres de \
                             mesa-core: cargo test -p mesa-core --features postgres";

/// A fresh database that can be opened several times (several connections, like several
/// windows or workstations), with a data folder for attachments and backups. Keep it alive as
/// long as its stores are used (it owns the temp folder).
pub struct TestDb {
    dir: tempfile::TempDir,
    #[cfg(feature = "postgres")]
    server: Option<mesa_core::db::pg::PgTarget>,
}

/// A fresh database on this run's engine: a `mesa.db` file in a temp folder on SQLite, a
/// fresh database of the test cluster on PostgreSQL.
pub fn db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    if is_postgres() {
        #[cfg(feature = "postgres")]
        {
            let t = super::pg_support::migrated_db();
            let target = mesa_core::db::pg::PgTarget::parse(&t.url()).unwrap();
            return TestDb {
                dir,
                server: Some(target),
            };
        }
        #[cfg(not(feature = "postgres"))]
        panic!("{NEEDS_FEATURE}");
    }
    TestDb {
        dir,
        #[cfg(feature = "postgres")]
        server: None,
    }
}

impl TestDb {
    /// The data folder (on SQLite, the folder of `mesa.db`).
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The SQLite file (also on PostgreSQL, where it is never created by the store).
    pub fn sqlite_path(&self) -> PathBuf {
        self.dir.path().join("mesa.db")
    }

    /// The server's connection URL on PostgreSQL.
    #[cfg(feature = "postgres")]
    pub fn server(&self) -> Option<&mesa_core::db::pg::PgTarget> {
        self.server.as_ref()
    }

    /// A new connection (a store) on this database.
    pub fn open(&self) -> Store {
        #[cfg(feature = "postgres")]
        if let Some(t) = &self.server {
            return Store::open_server(t, Some(self.dir.path())).unwrap();
        }
        Store::open(&self.sqlite_path()).unwrap()
    }

    /// Another workstation on this database, whose data folder is `data_dir`: on PostgreSQL a
    /// store on the same server with that folder (attachments cached there); on SQLite (one
    /// file, one PC) a second store on the same file and folder.
    pub fn open_elsewhere(&self, data_dir: &Path) -> Store {
        #[cfg(feature = "postgres")]
        if let Some(t) = &self.server {
            return Store::open_server(t, Some(data_dir)).unwrap();
        }
        let _ = data_dir;
        Store::open(&self.sqlite_path()).unwrap()
    }

    /// A read-only store on this database (what the app's `ReadPool` opens).
    pub fn reader(&self) -> Store {
        #[cfg(feature = "postgres")]
        if let Some(t) = &self.server {
            return Store::open_server_reader(t, Some(self.dir.path())).unwrap();
        }
        Store::open_reader(&self.sqlite_path()).unwrap()
    }

    /// The app's read pool on this database.
    pub fn read_pool(&self) -> ReadPool {
        self.open().read_pool()
    }
}
