//! The one place that opens SQLite connections and applies the embedded migrations; the
//! connections are handed out as [`Db`] (`engine.rs`, the engine-neutral API core uses).
//!
//! Invariants: WAL journal, `foreign_keys=ON`, busy timeout, `synchronous=FULL`; every
//! migration runs in its own transaction and records its SHA-256; a database whose schema is
//! newer than this binary knows is refused untouched.

pub mod audit_triggers;
pub mod blobs;
pub mod engine;
#[cfg(feature = "postgres")]
pub mod pg;
pub mod sweep;

pub use crate::{named_params, params};
pub use engine::{
    params_from_iter, Db, Engine, FromSqlError, FromSqlValue, OptionalExt, Params, Row, Rows, Stmt,
    ToSqlValue, Value, ValueRef,
};

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{CoreError, Result};

/// A numbered migration embedded in the binary from `migrations/`.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// All migrations, in order. Never edit a released one: add a new file instead.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_initial.sql",
        sql: include_str!("../../../../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "0002_assets_maintenance.sql",
        sql: include_str!("../../../../migrations/0002_assets_maintenance.sql"),
    },
    Migration {
        version: 3,
        name: "0003_audit_log.sql",
        sql: include_str!("../../../../migrations/0003_audit_log.sql"),
    },
    Migration {
        version: 4,
        name: "0004_import_batches.sql",
        sql: include_str!("../../../../migrations/0004_import_batches.sql"),
    },
    Migration {
        version: 5,
        name: "0005_reports.sql",
        sql: include_str!("../../../../migrations/0005_reports.sql"),
    },
    Migration {
        version: 6,
        name: "0006_sla_level_targets.sql",
        sql: include_str!("../../../../migrations/0006_sla_level_targets.sql"),
    },
    Migration {
        version: 7,
        name: "0007_decommission_counters.sql",
        sql: include_str!("../../../../migrations/0007_decommission_counters.sql"),
    },
    Migration {
        version: 8,
        name: "0008_ticket_followups.sql",
        sql: include_str!("../../../../migrations/0008_ticket_followups.sql"),
    },
    Migration {
        version: 9,
        name: "0009_attachments.sql",
        sql: include_str!("../../../../migrations/0009_attachments.sql"),
    },
    Migration {
        version: 10,
        name: "0010_visits.sql",
        sql: include_str!("../../../../migrations/0010_visits.sql"),
    },
    Migration {
        version: 11,
        name: "0011_ticket_links.sql",
        sql: include_str!("../../../../migrations/0011_ticket_links.sql"),
    },
    Migration {
        version: 12,
        name: "0012_asset_tag_display.sql",
        sql: include_str!("../../../../migrations/0012_asset_tag_display.sql"),
    },
    Migration {
        version: 13,
        name: "0013_accounts.sql",
        sql: include_str!("../../../../migrations/0013_accounts.sql"),
    },
    Migration {
        version: 14,
        name: "0014_indicators.sql",
        sql: include_str!("../../../../migrations/0014_indicators.sql"),
    },
    Migration {
        version: 15,
        name: "0015_improvement_plan.sql",
        sql: include_str!("../../../../migrations/0015_improvement_plan.sql"),
    },
    Migration {
        version: 16,
        name: "0016_risks.sql",
        sql: include_str!("../../../../migrations/0016_risks.sql"),
    },
    Migration {
        version: 17,
        name: "0017_mail.sql",
        sql: include_str!("../../../../migrations/0017_mail.sql"),
    },
    Migration {
        version: 18,
        name: "0018_management_reports.sql",
        sql: include_str!("../../../../migrations/0018_management_reports.sql"),
    },
    Migration {
        version: 19,
        name: "0019_mail_oauth.sql",
        sql: include_str!("../../../../migrations/0019_mail_oauth.sql"),
    },
    Migration {
        version: 20,
        name: "0020_number_nocase_index.sql",
        sql: include_str!("../../../../migrations/0020_number_nocase_index.sql"),
    },
];

/// Application id written in the SQLite header, to recognise our files ("MESA").
pub const APPLICATION_ID: i64 = 0x4D45_5341;

/// SHA-256 of a migration's text with line endings normalised to LF: a checkout that turned
/// them into CRLF (Git on Windows with `core.autocrlf`) builds the same checksums, so databases
/// move between Windows and Linux builds. (Identical to hashing the raw text for LF files, so
/// checksums recorded before this normalisation still match.)
pub fn checksum(sql: &str) -> String {
    let mut h = Sha256::new();
    for (i, line) in sql.split("\r\n").enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        h.update(line.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// How long a connection waits for another writer (or a checkpoint) before `database is
/// locked`.
pub const BUSY_TIMEOUT_MS: u64 = 10_000;

/// Pause between two tries while another connection holds the lock.
const BUSY_PAUSE: Duration = Duration::from_millis(1);

thread_local! {
    /// When the current wait began (the busy handler is called on the waiting thread, with the
    /// number of tries so far: 0 starts a new wait).
    static BUSY_SINCE: std::cell::Cell<Option<std::time::Instant>> =
        const { std::cell::Cell::new(None) };
}

/// The busy handler: tries again every [`BUSY_PAUSE`] for up to `MS` milliseconds.
///
/// SQLite's own `busy_timeout` handler backs off (sleeps of 1, 2, 5, 10, 15, 20, 25, 25, 25,
/// 50, 50, then 100 ms): with several writers queued on one file, a waiter slept through most
/// of the time the lock was free, and registering a case with 4 writers took 140–170 ms at
/// p95 for a write of a few milliseconds (`make bench-pg`). Short fixed pauses hand the lock
/// over within about a millisecond; the timeout is measured in time, not in tries, so a coarse
/// system timer (Windows) does not stretch it.
fn busy_wait<const MS: u64>(tries: i32) -> bool {
    let now = std::time::Instant::now();
    let since = BUSY_SINCE.with(|c| {
        let since = match c.get() {
            Some(t) if tries > 0 => t,
            _ => now,
        };
        c.set(Some(since));
        since
    });
    if now.duration_since(since) >= Duration::from_millis(MS) {
        return false;
    }
    std::thread::sleep(BUSY_PAUSE);
    true
}

/// Waits up to [`BUSY_TIMEOUT_MS`] for the lock, trying every millisecond (see [`busy_wait`]).
pub(crate) fn wait_when_busy(conn: &Connection) -> Result<()> {
    conn.busy_handler(Some(busy_wait::<BUSY_TIMEOUT_MS>))?;
    Ok(())
}

fn configure(conn: &Connection) -> Result<()> {
    wait_when_busy(conn)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(CoreError::NotADatabase {
            path: conn.path().unwrap_or_default().to_string(),
            detail: format!("no se pudo activar el modo WAL (modo {mode})"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    // After a checkpoint the WAL file is cut back to this size (a 100,000-case import or a big
    // sweep otherwise leaves a WAL of hundreds of MB beside the database).
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
    // A 64 MiB page cache keeps the case indexes in memory (list pages, bulk imports).
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// What runs before pending migrations are applied to an existing database of ours (the
/// store passes the verified pre-migration backup, `backup::before_migrating`): if it fails,
/// nothing is migrated.
pub type BeforeMigrating<'a> = &'a dyn Fn(&Connection, &Path) -> Result<()>;

/// Opens (creating if needed) the database at `path` and brings its schema up to date, calling
/// `before_migrating` first when an existing database has pending migrations.
pub fn open(path: &Path, before_migrating: BeforeMigrating<'_>) -> Result<Db> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    // Wait for other writers (another process opening or migrating the same file).
    wait_when_busy(&conn)?;
    restrict_permissions(path);
    let not_db = |e: rusqlite::Error| CoreError::NotADatabase {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    // The first read of the header tells whether the file is SQLite at all.
    conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))
        .map_err(not_db)?;
    configure(&conn)?;
    crate::db::audit_triggers::register_functions(&conn)?;
    if has_pending_migrations(&conn)? {
        before_migrating(&conn, path)?;
    }
    migrate(&conn)?;
    crate::db::audit_triggers::install(&conn)?;
    // Keep the planner's statistics fresh (bounded work): the case list relies on them.
    conn.execute_batch("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")?;
    Ok(Db::from_sqlite(conn))
}

/// A database of ours that already has a schema, older than this binary's.
fn has_pending_migrations(conn: &Connection) -> Result<bool> {
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let user_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(app_id == APPLICATION_ID && user_version >= 1 && user_version < latest_version())
}

/// Bytes the WAL file is truncated to after a checkpoint (`PRAGMA journal_size_limit`).
pub const WAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Opens a read-only connection to a database that [`open`] already brought up to date (the
/// app's list, detail and dashboard reads). WAL lets it read a consistent snapshot while the one
/// writer works: it never waits behind an import, a backup or an export. `query_only` refuses
/// any write on it; a schema other than this binary's is refused (the writer migrates first).
pub fn open_reader(path: &Path) -> Result<Db> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    wait_when_busy(&conn)?;
    let user_version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| CoreError::NotADatabase {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
    if user_version != latest_version() {
        return Err(CoreError::NotADatabase {
            path: path.display().to_string(),
            detail: format!(
                "esquema {user_version}, se esperaba {}: ábrala primero para escritura",
                latest_version()
            ),
        });
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -16384)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(Db::from_sqlite(conn))
}

/// After a large write: a truncating checkpoint, so the WAL does not stay hundreds of MB. It
/// waits at most a moment for readers; if one holds an old snapshot, the checkpoint is partial
/// and `journal_size_limit` trims the file at the next reset. Never fails the write.
pub(crate) fn checkpoint_after_batch(db: &Db) {
    // pg: nothing to do (no WAL file beside the database).
    let Ok(conn) = db.sqlite_native() else {
        return;
    };
    let _ = conn.busy_handler(Some(busy_wait::<250>));
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    let _ = wait_when_busy(conn);
}

/// An in-memory database with the full schema (tests).
pub fn open_in_memory() -> Result<Db> {
    let conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    crate::db::audit_triggers::register_functions(&conn)?;
    migrate(&conn)?;
    crate::db::audit_triggers::install(&conn)?;
    Ok(Db::from_sqlite(conn))
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // The database holds personal data (Ley 1581 de 2012): readable by the user only.
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {}

/// Applies pending migrations, each in one transaction, checking recorded checksums.
pub fn migrate(conn: &Connection) -> Result<()> {
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let user_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let has_tables: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    if has_tables && app_id != APPLICATION_ID {
        return Err(CoreError::NotADatabase {
            path: conn.path().unwrap_or_default().to_string(),
            detail: "la base de datos pertenece a otra aplicación".into(),
        });
    }
    if user_version > latest_version() {
        return Err(CoreError::DatabaseTooNew {
            found: user_version,
            known: latest_version(),
        });
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        ) STRICT;",
    )?;
    for m in MIGRATIONS {
        let recorded: Option<String> = conn
            .query_row(
                "SELECT checksum FROM schema_migrations WHERE version = ?1",
                [m.version],
                |r| r.get(0),
            )
            .optional()?;
        let sum = checksum(m.sql);
        match recorded {
            Some(r) if r == sum => continue,
            Some(_) => {
                return Err(CoreError::MigrationChecksum {
                    version: m.version,
                    name: m.name.to_string(),
                })
            }
            None => {
                immediate(conn, || {
                    conn.execute_batch(m.sql)?;
                    conn.execute(
                        "INSERT INTO schema_migrations(version, name, checksum) VALUES (?1, ?2, ?3)",
                        rusqlite::params![m.version, m.name, sum],
                    )?;
                    conn.pragma_update(None, "user_version", m.version)?;
                    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
                    Ok(())
                })?;
            }
        }
    }
    // Every migration is recorded now. A database that took a later one before an earlier one
    // (numbers given to parallel branches, e.g. 0018 merged before 0017) got the earlier one
    // last, which wrote its lower number: the version is the latest again.
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if v < latest_version() {
        conn.pragma_update(None, "user_version", latest_version())?;
    }
    Ok(())
}

/// Runs `f` in an immediate transaction on a shared connection: committed when it succeeds,
/// rolled back (and its error returned) when it fails.
pub(crate) fn immediate<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match f() {
        Ok(v) => {
            conn.execute_batch("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// A SELECT list in the reverse order (commas inside parentheses, as in `coalesce(a, b)`,
/// belong to their item). Tests read rows selected this way: a mapping by position would mix
/// up the fields, one by column name does not.
#[cfg(test)]
pub(crate) fn reversed_columns(columns: &str) -> String {
    let (mut items, mut depth, mut start) = (vec![], 0i32, 0);
    for (i, c) in columns.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(columns[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(columns[start..].trim());
    items.reverse();
    items.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    static TRIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    fn counted_wait(tries: i32) -> bool {
        TRIES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        busy_wait::<300>(tries)
    }

    /// A writer waiting for another polls often (SQLite's own handler would have tried about
    /// 10 times in 300 ms, sleeping up to 100 ms while the lock may already be free), gives up
    /// after its time with `database is locked`, and gets the lock once it is released.
    #[test]
    fn a_waiting_writer_tries_every_millisecond_and_gives_up_after_its_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let a = Connection::open(&path).unwrap();
        a.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x)")
            .unwrap();
        let b = Connection::open(&path).unwrap();
        b.busy_handler(Some(counted_wait)).unwrap();
        a.execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
            .unwrap();
        let started = std::time::Instant::now();
        let err = b.execute_batch("BEGIN IMMEDIATE").unwrap_err();
        let waited = started.elapsed();
        assert!(err.to_string().contains("locked"), "{err}");
        assert!(waited >= Duration::from_millis(300), "{waited:?}");
        assert!(waited < Duration::from_secs(3), "{waited:?}");
        let tries = TRIES.load(std::sync::atomic::Ordering::SeqCst);
        assert!(tries > 30, "only {tries} tries in {waited:?}");
        a.execute_batch("COMMIT").unwrap();
        // A new wait starts its own clock (tries = 0), and the free lock is taken at once.
        b.execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (2); COMMIT")
            .unwrap();
        wait_when_busy(&b).unwrap();
        let n: i64 = b
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
    }

    /// Released migrations are frozen: their checksums are pinned here. Editing a released
    /// migration makes this test fail; add a new numbered file instead.
    const RELEASED: &[(i64, &str)] = &[
        (
            1,
            "05591a16ad132f63a7a58eca17981e2e6e0de13fae5effae80020dcc912360b5",
        ),
        (
            2,
            "4d4fb58ae443b00f38c3393ad835de67582d6bb27a8cd95ace01e24875344bce",
        ),
        (
            3,
            "78ec10baede659471bb855939be7bcb65414d15fc5fc6a688683a06b81fc7bc5",
        ),
        (
            4,
            "0fc47f81f57e151b72b5e930e29982e8f5b04a1f9a8eeae04cff2d3ae06e7be4",
        ),
        (
            5,
            "533b59babb89ecf1039912a11e3258dee02c6c202430a8201ce4ba5b1cf9deb4",
        ),
        (
            6,
            "4fc3c38a0815f40bc7656a387d88f806747e9ecfecc25ace2019502a59ed8e25",
        ),
        (
            7,
            "88d6b93263ec1002de9e91ccd387235226b140eab4afc07169cb2b20f8ad8c97",
        ),
        (
            8,
            "f5cb7961d2052526f4c3c73b8d4dfc1f4c17e1f2cec779e76e4e4b4eb0fa8424",
        ),
        (
            9,
            "7536e1fdab4344700cac4838b3cc2d47d10dd867a02fc533aa8f141593d87b1b",
        ),
        (
            10,
            "e05424dd58e5280808e2dcac3c52bb3af680c9d6bd0e0e3816e3c9ccc46179d9",
        ),
        (
            11,
            "33483bafa03343f51081604199acff70757c404f5dd8db24cb6205e6bef5826d",
        ),
        (
            12,
            "0051013b290b862b1681bb9f02a21a50b6039f8ad5fdef96122d7546562bc4f7",
        ),
        (
            13,
            "1967f220d047bab97953340445b52a4227b55dff56fb23eb25236a0db12191b8",
        ),
        (
            14,
            "0bf782ea8728709e38d734649975809ef539bdfcf7a8da8f1c9c1adf27881134",
        ),
        (
            15,
            "974c4d352a1e46dd36f56eb9ec4ec61d14bb302e45c614aec23a7bc34307200a",
        ),
        (
            16,
            "e3015ee602873ca78b7e91cfe4ee991c30170450fd9bc499b80d570bf8d56bfc",
        ),
    ];

    #[test]
    fn released_migrations_are_unchanged() {
        for (v, sum) in RELEASED {
            let m = MIGRATIONS.iter().find(|m| m.version == *v).unwrap();
            assert_eq!(checksum(m.sql), *sum, "migración {} editada", m.name);
        }
    }

    #[test]
    fn migrations_are_numbered_in_order_and_named_by_number() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }

    #[test]
    fn open_sets_pragmas_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mesa.db");
        let c = open(&p, &|_, _| Ok(())).unwrap();
        let fk: i64 = c
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let jm: String = c
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        let uv: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!((fk, jm.as_str(), sync, uv), (1, "wal", 2, latest_version()));
        drop(c);
        let c = open(&p, &|_, _| Ok(())).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, MIGRATIONS.len() as i64);
    }

    #[test]
    fn newer_database_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mesa.db");
        drop(open(&p, &|_, _| Ok(())).unwrap());
        {
            let c = Connection::open(&p).unwrap();
            c.pragma_update(None, "user_version", latest_version() + 1)
                .unwrap();
        }
        let before = std::fs::read(&p).unwrap();
        let e = open(&p, &|_, _| Ok(())).unwrap_err();
        assert_eq!(e.code(), "database_too_new");
        assert!(e.to_string().contains("más reciente"));
        assert_eq!(std::fs::read(&p).unwrap(), before);
    }

    #[test]
    fn checksums_ignore_crlf_line_endings() {
        let lf = MIGRATIONS[0].sql.replace("\r\n", "\n");
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(checksum(&crlf), checksum(&lf));
        // Unchanged for LF text: the raw SHA-256, as recorded by earlier versions.
        let raw: String = Sha256::digest(lf.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(checksum(&lf), raw);
        assert_ne!(checksum("SELECT 1;"), checksum("SELECT 2;"));
    }

    #[test]
    fn edited_migration_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mesa.db");
        drop(open(&p, &|_, _| Ok(())).unwrap());
        {
            let c = Connection::open(&p).unwrap();
            c.execute(
                "UPDATE schema_migrations SET checksum = 'x' WHERE version = 1",
                [],
            )
            .unwrap();
        }
        let e = open(&p, &|_, _| Ok(())).unwrap_err();
        assert_eq!(e.code(), "migration_checksum");
    }

    #[test]
    fn foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("otro.db");
        std::fs::write(
            &p,
            b"esto no es sqlite, es texto plano cualquiera...........",
        )
        .unwrap();
        let e = open(&p, &|_, _| Ok(())).unwrap_err();
        assert_eq!(e.code(), "not_a_database", "{e}");
        let p2 = dir.path().join("ajena.db");
        {
            let c = Connection::open(&p2).unwrap();
            c.execute_batch("CREATE TABLE clientes(id INTEGER)")
                .unwrap();
        }
        let e = open(&p2, &|_, _| Ok(())).unwrap_err();
        assert_eq!(e.code(), "not_a_database", "{e}");
    }
}
