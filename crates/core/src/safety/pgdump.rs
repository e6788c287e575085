//! Backups on PostgreSQL (issue 17): `pg_dump` in its custom format, on the same schedule,
//! names and retention as SQLite's backups (`backup.rs`: `mesa-<UTC stamp>-<kind>.dump` with
//! its `.json` manifest, rotated by the same policy), verified with `pg_restore --list`; a dump
//! that does not verify is deleted and the error says why, in Spanish. Restore is `pg_restore
//! --clean --if-exists --single-transaction` into the workstation's database: all or nothing.
//!
//! The tools are PostgreSQL's own, found like the test cluster finds them: `MESA_PG_BINDIR`,
//! then the newest `/usr/lib/postgresql/<v>/bin` (Debian), on Windows the newest
//! `C:\Program Files\PostgreSQL\<v>\bin` (the standard installer), then `PATH`.
//!
//! The password goes to the child only, through its environment (`PGPASSWORD`): never on the
//! command line (other users can read it in the process list), never in a file (`.pgpass`).
//! `--no-password` keeps a tool from ever waiting for a prompt.
//!
//! Several workstations on one server: every dump is written to a temp file no other process
//! uses and published under a name never taken twice (`backup.rs`: `start_backup_file`,
//! `publish`), and the day's automatic dump is made by one workstation only ([`create_daily`]).
//!
//! The manifest's row counts are exact for the dump: the rows are counted in a snapshot that
//! this connection exports (`pg_export_snapshot()`) and `pg_dump --snapshot` dumps that same
//! snapshot.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};

use crate::clock::{to_local, to_rfc3339_local};
use crate::db::pg::{self, PgTarget};
use crate::error::{CoreError, Result};
use crate::files::{io, set_mode, sync_file};
use crate::safety::backup::{
    finish, publish, start_backup_file, BackupCounts, BackupInfo, BackupKind,
};

/// File extension of a PostgreSQL backup (custom-format archive).
pub const EXT: &str = "dump";

/// The folders where PostgreSQL's client tools are looked for, best first (before `PATH`).
fn candidate_dirs() -> Vec<PathBuf> {
    let mut out = vec![];
    if let Some(d) = std::env::var_os("MESA_PG_BINDIR") {
        out.push(PathBuf::from(d));
    }
    let roots: Vec<PathBuf> = if cfg!(windows) {
        ["ProgramFiles", "ProgramW6432"]
            .iter()
            .filter_map(std::env::var_os)
            .map(|p| PathBuf::from(p).join("PostgreSQL"))
            .chain(std::iter::once(PathBuf::from(
                r"C:\Program Files\PostgreSQL",
            )))
            .collect()
    } else {
        vec![PathBuf::from("/usr/lib/postgresql")]
    };
    for root in roots {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(&root)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let major: u32 = name.split('.').next()?.parse().ok()?;
                Some((major, e.path().join("bin")))
            })
            .collect();
        versions.sort();
        out.extend(versions.into_iter().rev().map(|(_, p)| p));
    }
    out
}

/// The path of PostgreSQL's tool `name` (`pg_dump`, `pg_restore`).
pub fn tool(name: &str) -> Result<PathBuf> {
    let exe = if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_string()
    };
    for d in candidate_dirs() {
        let p = d.join(&exe);
        if p.is_file() {
            return Ok(p);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            let p = d.join(&exe);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    Err(CoreError::Server {
        detail: format!(
            "no se encontró «{name}» de PostgreSQL en este equipo. Instale las herramientas \
             cliente de PostgreSQL (en Debian, el paquete postgresql-client; en Windows, el \
             instalador de PostgreSQL) o indique su carpeta en MESA_PG_BINDIR."
        ),
    })
}

/// `tool` with the connection of `target`: host, port, user as arguments; the password in the
/// child's environment only.
fn command(tool_name: &str, target: &PgTarget) -> Result<Command> {
    let mut c = Command::new(tool(tool_name)?);
    c.arg("--host")
        .arg(&target.host)
        .arg("--port")
        .arg(target.port.to_string())
        .arg("--username")
        .arg(&target.user)
        .arg("--no-password")
        .env("PGCONNECT_TIMEOUT", "10")
        .env("PGAPPNAME", "mesa-de-ayuda-ti")
        .env_remove("PGPASSFILE")
        .stdin(Stdio::null());
    match &target.password {
        Some(p) => c.env("PGPASSWORD", p),
        None => c.env_remove("PGPASSWORD"),
    };
    Ok(c)
}

/// Runs `c`; its standard error (in Spanish where the tool says it so) when it fails.
fn run(mut c: Command, what: &str) -> Result<String> {
    let out = c.output().map_err(|e| CoreError::Server {
        detail: format!("no se pudo ejecutar {what}: {e}"),
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.trim();
        return Err(CoreError::Server {
            detail: format!(
                "{what} falló: {}",
                if err.is_empty() { "sin detalle" } else { err }
            ),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `pg_restore --list` found in a dump.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpContents {
    /// Entries of the archive's table of contents.
    pub entries: usize,
    /// Tables whose rows it holds (`TABLE DATA`).
    pub tables_with_data: Vec<String>,
    /// The PostgreSQL schema version it holds (its `schema_migrations` rows).
    pub schema_version: i64,
}

/// Verifies a dump without touching any database: `pg_restore --list` must read the whole
/// table of contents, and the archive must hold our schema (`schema_migrations`) and the cases'
/// rows (`tickets`). Otherwise `backup_corrupt` (or `backup_foreign`), naming the file.
pub fn verify(file: &Path) -> Result<DumpContents> {
    let shown = crate::files::shown(file);
    if !file.is_file() {
        return Err(CoreError::Io {
            path: shown,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no existe"),
        });
    }
    let mut c = Command::new(tool("pg_restore")?);
    c.arg("--list").arg(file).stdin(Stdio::null());
    let out = c.output().map_err(|e| CoreError::Server {
        detail: format!("no se pudo ejecutar pg_restore: {e}"),
    })?;
    if !out.status.success() {
        return Err(CoreError::BackupCorrupt {
            path: shown,
            detail: format!(
                "pg_restore --list no pudo leerla: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut entries = 0;
    let mut tables_with_data = vec![];
    for line in text.lines() {
        if line.starts_with(';') || line.trim().is_empty() {
            continue;
        }
        entries += 1;
        // `3456; 0 16390 TABLE DATA public tickets mesa`
        if let Some(rest) = line.split_once(" TABLE DATA ").map(|(_, r)| r) {
            let mut parts = rest.split_whitespace();
            let _schema = parts.next();
            if let Some(t) = parts.next() {
                tables_with_data.push(t.to_string());
            }
        }
    }
    if entries == 0 {
        return Err(CoreError::BackupCorrupt {
            path: shown,
            detail: "no contiene nada".into(),
        });
    }
    if !tables_with_data.iter().any(|t| t == "schema_migrations")
        || !tables_with_data.iter().any(|t| t == "tickets")
    {
        return Err(CoreError::BackupForeign { path: shown });
    }
    // The schema it holds: the rows of schema_migrations, read from the archive itself.
    let mut c = Command::new(tool("pg_restore")?);
    c.args(["--data-only", "--table=schema_migrations", "--file=-"])
        .arg(file)
        .stdin(Stdio::null());
    let out = c.output().map_err(|e| CoreError::Server {
        detail: format!("no se pudo ejecutar pg_restore: {e}"),
    })?;
    if !out.status.success() {
        return Err(CoreError::BackupCorrupt {
            path: shown,
            detail: format!(
                "pg_restore no pudo leer sus datos: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    let schema_version = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip_while(|l| !l.starts_with("COPY "))
        .skip(1)
        .take_while(|l| *l != "\\.")
        .filter_map(|l| l.split('\t').next()?.parse::<i64>().ok())
        .max()
        .unwrap_or(0);
    if schema_version < 1 {
        return Err(CoreError::BackupForeign { path: shown });
    }
    if schema_version > pg::latest_version() {
        return Err(CoreError::BackupTooNew {
            path: shown,
            found: schema_version,
            known: pg::latest_version(),
        });
    }
    Ok(DumpContents {
        entries,
        tables_with_data,
        schema_version,
    })
}

/// Makes a verified dump of the database of `target` into `dir` (created; 0700 when
/// `private_dir`), named like SQLite's backups with the `.dump` extension, with its manifest
/// (the file's start, name and manifest are `backup.rs`'s, shared). A dump that does not verify
/// is deleted and the error says why. The attachments' content is in the database
/// (`attachment_blobs`), so the dump holds it: no folder is copied next to it.
pub fn create(
    target: &PgTarget,
    dir: &Path,
    kind: BackupKind,
    now: DateTime<Utc>,
    private_dir: bool,
) -> Result<BackupInfo> {
    let tmp = start_backup_file(dir, private_dir)?;
    let res = (|| -> Result<BackupInfo> {
        // The snapshot the rows are counted in and dumped from.
        let mut client = target.connect()?;
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let snapshot: String = tx
            .query_one("SELECT pg_export_snapshot() AS s", &[])?
            .get("s");
        let counts = counts_in(&mut tx)?;
        let schema_version: i64 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) AS v FROM schema_migrations",
                &[],
            )?
            .get("v");
        let mut c = command("pg_dump", target)?;
        c.arg("--format=custom")
            .arg(format!("--snapshot={snapshot}"))
            .arg("--file")
            .arg(&tmp)
            .arg("--dbname")
            .arg(&target.dbname);
        run(c, "pg_dump")?;
        tx.commit()?;
        drop(client);
        set_mode(&tmp, 0o600);
        verify(&tmp)?;
        sync_file(&tmp)?;
        let (name, final_path) = publish(&tmp, dir, kind, now, EXT)?;
        let meta = std::fs::metadata(&final_path).map_err(io(&final_path))?;
        let mut info = BackupInfo {
            path: String::new(),
            file_name: String::new(),
            kind: Some(kind),
            created_at: String::new(),
            size_bytes: meta.len(),
            sha256: crate::safety::backup::sha256_file(&final_path)?,
            schema_version,
            app_version: crate::VERSION.to_string(),
            counts,
            attachments: None,
        };
        finish(&final_path, &name, now, &mut info)?;
        Ok(info)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

/// The advisory lock of the day's automatic dump (see [`create_daily`]).
pub const DAILY_DUMP_LOCK: i64 = 7_236_200_004;

/// The day's automatic dump, made by one workstation for all: under [`DAILY_DUMP_LOCK`] (a
/// transaction lock on its own connection, never waited for: a workstation that finds it taken
/// skips, another one is dumping now), and only when `daily_dumps` has no row for today's
/// Bogota date; the row (day, time, `workstation`, file) is recorded with the dump. Returns the
/// dump, or None when another workstation made or is making today's.
pub fn create_daily(
    target: &PgTarget,
    dir: &Path,
    now: DateTime<Utc>,
    workstation: &str,
) -> Result<Option<BackupInfo>> {
    let mut client = target.connect()?;
    let mut tx = client.transaction()?;
    let granted: bool = tx
        .query_one(
            "SELECT pg_try_advisory_xact_lock($1) AS g",
            &[&DAILY_DUMP_LOCK],
        )?
        .get("g");
    if !granted {
        return Ok(None);
    }
    let day = to_local(now).date().format("%Y-%m-%d").to_string();
    if tx
        .query_opt("SELECT 1 FROM daily_dumps WHERE day = $1", &[&day])?
        .is_some()
    {
        return Ok(None);
    }
    let info = create(target, dir, BackupKind::Daily, now, true)?;
    tx.execute(
        "INSERT INTO daily_dumps(day, made_at, workstation, file_name) VALUES ($1, $2, $3, $4)",
        &[
            &day,
            &crate::clock::to_db(now),
            &workstation,
            &info.file_name,
        ],
    )?;
    tx.commit()?;
    Ok(Some(info))
}

/// Who made a day's dump: the computer's name (`COMPUTERNAME` on Windows, the host name
/// elsewhere), else «este equipo».
pub fn workstation_name() -> String {
    std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "este equipo".into())
}

/// Rows per table in the transaction's snapshot (the same figures as SQLite's manifest).
fn counts_in(tx: &mut postgres::Transaction<'_>) -> Result<BackupCounts> {
    let names: Vec<String> = tx
        .query(
            "SELECT table_name::text AS name FROM information_schema.tables
              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|r| r.get("name"))
        .collect();
    let mut tables = std::collections::BTreeMap::new();
    for n in names {
        let q = format!("SELECT count(*) AS c FROM \"{}\"", n.replace('"', "\"\""));
        let c: i64 = tx.query_one(q.as_str(), &[])?.get("c");
        tables.insert(n, c);
    }
    Ok(BackupCounts {
        cases: tables.get("tickets").copied().unwrap_or(0),
        equipment: tables.get("assets").copied(),
        plans: tables.get("maintenance_plans").copied(),
        tables,
    })
}

/// Restores a dump into the database of `target`: verified first (refused ⇒ nothing changed),
/// then `pg_restore --clean --if-exists --single-transaction` (every object of the dump dropped
/// and recreated with its rows, in one transaction: a failure leaves the database as it was).
/// Ownership and grants are not restored (the office's role owns what it restores). The caller
/// checks the permission and takes a `pre-restore` dump first (`Store::restore_backup`).
pub fn restore(target: &PgTarget, file: &Path) -> Result<DumpContents> {
    // A damaged, foreign or newer dump is refused here, before anything is touched.
    let contents = verify(file)?;
    let mut c = command("pg_restore", target)?;
    c.arg("--clean")
        .arg("--if-exists")
        .arg("--single-transaction")
        .arg("--exit-on-error")
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg("--dbname")
        .arg(&target.dbname)
        .arg(file);
    run(c, "pg_restore")?;
    // The restored schema is brought up to date (a dump of an older version).
    let mut client = target.connect()?;
    pg::migrate(&mut client)?;
    Ok(contents)
}

/// Verifies a dump offered for restore ([`verify`]) and describes it: its manifest when it
/// has one (made by the app), else what the archive says (counts unknown: empty).
pub fn inspect(file: &Path) -> Result<BackupInfo> {
    let found = verify(file)?;
    let meta = std::fs::metadata(file).map_err(io(file))?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let manifest: Option<BackupInfo> = std::fs::read_to_string(file.with_extension("json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    let sha256 = crate::safety::backup::sha256_file(file)?;
    let parsed = crate::safety::backup::parse_name(&file_name);
    Ok(match manifest {
        Some(mut m) => {
            m.path = crate::files::shown(file);
            m.file_name = file_name;
            m.size_bytes = meta.len();
            m.sha256 = sha256;
            m.schema_version = found.schema_version;
            m
        }
        None => BackupInfo {
            path: crate::files::shown(file),
            file_name,
            kind: parsed.map(|p| p.1),
            created_at: parsed
                .map(|p| to_rfc3339_local(p.0))
                .or_else(|| {
                    meta.modified()
                        .ok()
                        .map(|m| to_rfc3339_local(DateTime::<Utc>::from(m)))
                })
                .unwrap_or_default(),
            size_bytes: meta.len(),
            sha256,
            schema_version: found.schema_version,
            app_version: crate::VERSION.to_string(),
            counts: BackupCounts::default(),
            attachments: None,
        },
    })
}

/// Before the PostgreSQL schema of an existing database is brought up to date (the first
/// workstation that opens it with a newer version of the app): a verified `pre-migration` dump
/// into `<data dir>/backups/`, as SQLite's `before_migrating`. Nothing for a new database or
/// one already up to date. The file name takes the system time: it labels a file, it is not a
/// rule.
pub fn before_migrating(target: &PgTarget, data_dir: &Path) -> Result<Option<BackupInfo>> {
    let mut c = target.connect()?;
    let v = pg::schema_version(&mut c)?;
    drop(c);
    if v == 0 || v >= pg::latest_version() {
        return Ok(None);
    }
    create(
        target,
        &data_dir.join(crate::safety::backup::BACKUP_DIR),
        BackupKind::PreMigration,
        Utc::now(),
        true,
    )
    .map(Some)
}

/// True when `file` looks like one of our PostgreSQL dumps by name.
pub fn is_dump(file: &Path) -> bool {
    file.extension().is_some_and(|e| e == EXT)
}
