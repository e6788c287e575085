//! Backups (copias de seguridad): created with SQLite's online backup API, so they are a
//! consistent snapshot even while the app or the CLI writes; verified after writing; listed with
//! what they hold; rotated; restored safely.
//!
//! Layout: `<data_dir>/backups/mesa-<UTC YYYYMMDDTHHMMSSZ>-<kind>.db`, next to it
//! `…-<kind>.json` (the manifest: date, size, SHA-256, schema, row counts per table) and, when
//! the data folder has `attachments/`, a copy of it in `…-<kind>.attachments/`. Files are created
//! readable by the user only (0600; folders 0700) on Unix.
//!
//! When backups happen (the callers decide; `now` is always passed in):
//! - `daily`: [`crate::Store::ensure_daily_backup`] — the app at start, the CLI before each command —
//!   makes one when no backup of any kind exists yet for today's Bogota date;
//! - `pre-migration`: `db::open`, before applying pending migrations to a database with data;
//! - `pre-import` / `pre-undo`: [`crate::Store::backup_before`], called by the importer;
//! - `pre-restore`: [`crate::Store::restore_backup`], of the current database before replacing it;
//! - `manual`: the user («Crear copia ahora», `mesa backup create [--to DIR]`).
//!
//! Rotation ([`rotate`]) in the default folder only: `daily` backups follow [`RetentionPolicy`]
//! (by default the newest of each of the last 7 days, 4 ISO weeks and 12 months that have one);
//! `pre-*` backups keep the newest 10 of each kind; `manual` ones are never deleted
//! automatically; nothing in a folder the user chose is ever deleted.
//!
//! Restore into a live store uses the backup API from the (verified copy of the) backup file
//! into the open connection: it runs as one write transaction on the WAL database, so other
//! readers see either the old or the new content and a crash leaves the old one. When the
//! database cannot be opened at all (damaged), [`restore_file`] moves the damaged files aside
//! and renames a verified copy into place (atomic rename on the same folder).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::clock::{to_local, to_rfc3339_local};
use crate::db::{self, APPLICATION_ID};
use crate::error::{CoreError, Result};

pub const BACKUP_DIR: &str = "backups";
/// The attachments' content folder (SQLite; see `db::blobs`).
pub use crate::db::blobs::ATTACHMENTS_DIR;
const PREFIX: &str = "mesa-";
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Why a backup was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum BackupKind {
    Daily,
    Manual,
    PreMigration,
    PreImport,
    PreUndo,
    PreRestore,
    /// Before removing the demo data (`Store::clear_demo`).
    PreDemoClear,
}

impl BackupKind {
    pub const ALL: [BackupKind; 7] = [
        BackupKind::Daily,
        BackupKind::Manual,
        BackupKind::PreMigration,
        BackupKind::PreImport,
        BackupKind::PreUndo,
        BackupKind::PreRestore,
        BackupKind::PreDemoClear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Daily => "daily",
            BackupKind::Manual => "manual",
            BackupKind::PreMigration => "pre-migration",
            BackupKind::PreImport => "pre-import",
            BackupKind::PreUndo => "pre-undo",
            BackupKind::PreRestore => "pre-restore",
            BackupKind::PreDemoClear => "pre-demo-clear",
        }
    }

    /// Spanish label.
    pub fn label(self) -> &'static str {
        match self {
            BackupKind::Daily => "diaria",
            BackupKind::Manual => "manual",
            BackupKind::PreMigration => "antes de actualizar el esquema",
            BackupKind::PreImport => "antes de importar",
            BackupKind::PreUndo => "antes de deshacer una importación",
            BackupKind::PreRestore => "antes de restaurar",
            BackupKind::PreDemoClear => "antes de borrar los datos de demostración",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a backup holds: rows per table, plus the three figures people ask for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct BackupCounts {
    #[ts(type = "number")]
    pub cases: i64,
    /// None when the backup predates equipment.
    #[ts(type = "number | null")]
    pub equipment: Option<i64>,
    /// None when the backup predates maintenance plans.
    #[ts(type = "number | null")]
    pub plans: Option<i64>,
    #[ts(type = "Record<string, number>")]
    pub tables: BTreeMap<String, i64>,
}

/// A verified backup (also its JSON manifest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BackupInfo {
    /// Full path of the `.db` file.
    pub path: String,
    pub file_name: String,
    /// None for a file not made by the app (e.g. a copy chosen by the user).
    pub kind: Option<BackupKind>,
    /// RFC 3339, Bogota time.
    pub created_at: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub sha256: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    pub app_version: String,
    pub counts: BackupCounts,
    /// Number of attachment files copied next to it (None: there were none).
    #[ts(type = "number | null")]
    pub attachments: Option<u64>,
}

/// Result of a restore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RestoreReport {
    pub restored: BackupInfo,
    /// The copy of the database as it was just before (None when it was damaged: then the
    /// damaged files were moved to `damaged_copy`).
    pub safety_copy: Option<BackupInfo>,
    pub damaged_copy: Option<String>,
}

/// What the app shows about data safety: a damaged database (with the latest good backup to
/// restore) and when the last backup was made (status line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SafetyStatus {
    /// Spanish message when the database could not be opened or failed its check.
    pub damaged: Option<String>,
    pub latest_good_backup: Option<BackupInfo>,
    /// RFC 3339 (Bogota) of the newest backup in the default folder.
    pub last_backup_at: Option<String>,
    pub backups_dir: String,
}

/// Rotation of automatic daily backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub daily: usize,
    pub weekly: usize,
    pub monthly: usize,
    /// Newest backups kept per `pre-*` kind.
    pub pre: usize,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            daily: 7,
            weekly: 4,
            monthly: 12,
            pre: 10,
        }
    }
}

/// Which of `stamps` to keep under `policy` (grandfather-father-son over Bogota dates): the
/// newest backup of each of the `daily` most recent days that have one, of each of the
/// `weekly` most recent ISO weeks, and of each of the `monthly` most recent months. Pure.
pub fn select_keep(stamps: &[DateTime<Utc>], policy: &RetentionPolicy) -> Vec<bool> {
    let mut order: Vec<usize> = (0..stamps.len()).collect();
    order.sort_by(|a, b| stamps[*b].cmp(&stamps[*a]).then(b.cmp(a)));
    let mut keep = vec![false; stamps.len()];
    let mut bucket = |n: usize, key: &dyn Fn(NaiveDate) -> (i32, u32)| {
        let mut seen: Vec<(i32, u32)> = vec![];
        for &i in &order {
            if seen.len() >= n {
                break;
            }
            let k = key(to_local(stamps[i]).date());
            if !seen.contains(&k) {
                seen.push(k);
                keep[i] = true;
            }
        }
    };
    bucket(policy.daily, &|d| (d.year(), d.ordinal()));
    bucket(policy.weekly, &|d| {
        (d.iso_week().year(), d.iso_week().week())
    });
    bucket(policy.monthly, &|d| (d.year(), d.month()));
    keep
}

// ---------------------------------------------------------------------------------------------
// Files

use crate::files::{io, set_mode, sync_dir, sync_file, write_private};

fn ensure_dir(dir: &Path, private: bool) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    if private {
        set_mode(dir, 0o700);
    }
    Ok(())
}

pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Copies a folder tree; returns the number of files copied.
pub(crate) fn copy_tree(from: &Path, to: &Path) -> Result<u64> {
    ensure_dir(to, true)?;
    let mut n = 0;
    for e in std::fs::read_dir(from).map_err(io(from))? {
        let e = e.map_err(io(from))?;
        let src = e.path();
        let dst = to.join(e.file_name());
        let ft = e.file_type().map_err(io(&src))?;
        if ft.is_dir() {
            n += copy_tree(&src, &dst)?;
        } else if ft.is_file() {
            std::fs::copy(&src, &dst).map_err(io(&src))?;
            set_mode(&dst, 0o600);
            n += 1;
        }
    }
    Ok(n)
}

/// A private temporary folder removed on drop (core has no tempfile dependency).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "mesa-verificacion-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        ensure_dir(&p, true)?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stamp(now: DateTime<Utc>) -> String {
    now.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `mesa-20260302T141500Z-daily(-2).db` → (time, kind).
pub(crate) fn parse_name(name: &str) -> Option<(DateTime<Utc>, BackupKind)> {
    // `.dump`: a PostgreSQL backup (`pgdump.rs`), same names, schedule and retention.
    let rest = name.strip_prefix(PREFIX)?;
    let rest = rest
        .strip_suffix(".db")
        .or_else(|| rest.strip_suffix(".dump"))?;
    let (ts, kind) = rest.split_once('-')?;
    let t = NaiveDateTime::parse_from_str(ts, "%Y%m%dT%H%M%SZ").ok()?;
    let kind = BackupKind::ALL.into_iter().find(|k| {
        kind == k.as_str()
            || kind
                .strip_prefix(k.as_str())
                .and_then(|s| s.strip_prefix('-'))
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    })?;
    Some((Utc.from_utc_datetime(&t), kind))
}

pub(crate) fn sidecar(db_file: &Path, ext: &str) -> PathBuf {
    db_file.with_extension(ext)
}

/// Folder of the automatic backups for a database file.
pub fn default_dir(db_path: &Path) -> PathBuf {
    db_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(BACKUP_DIR)
}

// ---------------------------------------------------------------------------------------------
// Create

pub(crate) fn step_all(b: &Backup<'_, '_>) -> Result<()> {
    let mut waits = 0;
    loop {
        match b.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => continue,
            _ => {
                waits += 1;
                if waits > 400 {
                    return Err(CoreError::Sqlite(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("la base de datos siguió ocupada durante la copia".into()),
                    )));
                }
                std::thread::sleep(Duration::from_millis(25));
            }
        }
    }
}

/// Makes a verified backup of `conn` into `dir`. `data_dir` (the folder of the database) is
/// where `attachments/` is looked for. `private_dir`: set the folder to 0700 (the default
/// backup folder; not a folder the user chose).
pub fn create(
    conn: &Connection,
    dir: &Path,
    kind: BackupKind,
    now: DateTime<Utc>,
    data_dir: Option<&Path>,
    private_dir: bool,
) -> Result<BackupInfo> {
    let tmp = start_backup_file(dir, private_dir)?;
    let res = (|| -> Result<BackupInfo> {
        {
            let mut dst = Connection::open(&tmp)?;
            {
                let b = Backup::new(conn, &mut dst)?;
                step_all(&b)?;
            }
            // A self-contained file: rollback journal, so it opens read-only anywhere.
            let _: String = dst.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
        }
        let (mut info, _copy) = inspect_copy(&tmp)?;
        // Through a writable handle: Windows' FlushFileBuffers refuses a read-only one.
        sync_file(&tmp)?;
        let (name, final_path) = publish(&tmp, dir, kind, now, "db")?;
        info.kind = Some(kind);
        info.attachments = copy_attachments(data_dir, &final_path)?;
        finish(&final_path, &name, now, &mut info)?;
        Ok(info)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    let mut journal = tmp.clone().into_os_string();
    journal.push("-journal");
    let _ = std::fs::remove_file(journal);
    res
}

/// The start of every backup file, SQLite's and PostgreSQL's (`pgdump.rs`): the folder
/// (created; 0700 when `private_dir`), stale temp files of interrupted backups removed, and a
/// new private temp file with a name no other process uses (`mesa-<pid>-<random>.tmp`: two
/// workstations or two windows starting at once never write the same file).
pub(crate) fn start_backup_file(dir: &Path, private_dir: bool) -> Result<PathBuf> {
    ensure_dir(dir, private_dir)?;
    clean_stale_temps(dir);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io(dir))?;
    let path = tmp.into_temp_path().keep().map_err(|e| io(dir)(e.error))?;
    set_mode(&path, 0o600);
    Ok(path)
}

/// Gives a finished, verified temp file its backup name, `mesa-<UTC stamp>-<kind>[-n].<ext>`,
/// without ever replacing a file (a hard link is refused when the name exists: two processes
/// finishing in the same second get `…-2`). Returns the name and the path.
pub(crate) fn publish(
    tmp: &Path,
    dir: &Path,
    kind: BackupKind,
    now: DateTime<Utc>,
    ext: &str,
) -> Result<(String, PathBuf)> {
    let base = format!("{PREFIX}{}-{}", stamp(now), kind.as_str());
    for i in 1.. {
        let name = if i == 1 {
            format!("{base}.{ext}")
        } else {
            format!("{base}-{i}.{ext}")
        };
        let final_path = dir.join(&name);
        match std::fs::hard_link(tmp, &final_path) {
            Ok(()) => {
                let _ = std::fs::remove_file(tmp);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links: a rename, after checking the name is free.
            Err(_) if !final_path.exists() => {
                std::fs::rename(tmp, &final_path).map_err(io(&final_path))?
            }
            Err(_) => continue,
        }
        sync_dir(dir);
        return Ok((name, final_path));
    }
    unreachable!("an unbounded range always yields a name")
}

/// The attachments folder of `data_dir` copied next to the backup (`….attachments/`), as
/// restore expects it; the number of files, or None without a folder.
pub(crate) fn copy_attachments(data_dir: Option<&Path>, final_path: &Path) -> Result<Option<u64>> {
    match data_dir.map(|d| d.join(ATTACHMENTS_DIR)) {
        Some(att) if att.is_dir() => {
            Ok(Some(copy_tree(&att, &sidecar(final_path, "attachments"))?))
        }
        _ => Ok(None),
    }
}

/// The manifest of a published backup (`….json`, private): what `list` and restore read.
pub(crate) fn finish(
    final_path: &Path,
    name: &str,
    now: DateTime<Utc>,
    info: &mut BackupInfo,
) -> Result<()> {
    info.path = crate::files::shown(final_path);
    info.file_name = name.to_string();
    info.created_at = to_rfc3339_local(now);
    write_private(
        &sidecar(final_path, "json"),
        serde_json::to_string_pretty(&info)?.as_bytes(),
    )
}

pub(crate) fn clean_stale_temps(dir: &Path) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            if n.starts_with(PREFIX)
                && (n.ends_with(".db.tmp")
                    || n.ends_with(".db.tmp-journal")
                    || n.ends_with(".dump.tmp")
                    || n.ends_with(".tmp")
                    || n.ends_with(".tmp-journal"))
            {
                // Left by an interrupted backup (older than a minute, so not one in progress).
                let old = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|m| m.elapsed().ok())
                    .is_some_and(|d| d > Duration::from_secs(60));
                if old {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Verify

/// A verified private copy of a backup file, removed on drop.
pub struct VerifiedCopy {
    _dir: TempDir,
    pub path: PathBuf,
}

fn not_sqlite(path: &Path) -> CoreError {
    CoreError::BackupNotSqlite {
        path: crate::files::shown(path),
    }
}

/// Checks a backup (or any file offered for restore) without modifying it: it must be SQLite,
/// pass `PRAGMA integrity_check`, carry our `application_id`, and have a schema this binary
/// knows. The checks run on a private copy (the original is only read). Returns what it holds.
pub fn verify(path: &Path) -> Result<BackupInfo> {
    inspect_copy(path).map(|(i, _)| i)
}

pub fn inspect_copy(path: &Path) -> Result<(BackupInfo, VerifiedCopy)> {
    let mut head = [0u8; 16];
    {
        let mut f = std::fs::File::open(path).map_err(io(path))?;
        let n = f.read(&mut head).map_err(io(path))?;
        if n < 16 || &head != SQLITE_MAGIC {
            return Err(not_sqlite(path));
        }
    }
    let dir = TempDir::new()?;
    let copy = dir.0.join("copia.db");
    std::fs::copy(path, &copy).map_err(io(path))?;
    set_mode(&copy, 0o600);
    let wal = crate::files::with_suffix(path, "-wal");
    if wal.is_file() {
        std::fs::copy(&wal, dir.0.join("copia.db-wal")).map_err(io(&wal))?;
    }
    let corrupt = |detail: String| CoreError::BackupCorrupt {
        path: crate::files::shown(path),
        detail,
    };
    let (schema_version, counts) = {
        let conn = Connection::open_with_flags(
            &copy,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt(e.to_string()))?;
        conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => not_sqlite(path),
                _ => corrupt(e.to_string()),
            })?;
        let problems: Vec<String> = (|| -> rusqlite::Result<Vec<String>> {
            let mut st = conn.prepare("PRAGMA integrity_check(20)")?;
            let v = st
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })()
        .map_err(|e| corrupt(e.to_string()))?;
        if problems != ["ok"] {
            return Err(corrupt(problems.join("; ")));
        }
        let app_id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| corrupt(e.to_string()))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| corrupt(e.to_string()))?;
        if app_id != APPLICATION_ID || version < 1 {
            return Err(CoreError::BackupForeign {
                path: crate::files::shown(path),
            });
        }
        if version > db::latest_version() {
            return Err(CoreError::BackupTooNew {
                path: crate::files::shown(path),
                found: version,
                known: db::latest_version(),
            });
        }
        (
            version,
            table_counts(&conn).map_err(|e| corrupt(e.to_string()))?,
        )
    };
    let meta = std::fs::metadata(path).map_err(io(path))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let parsed = parse_name(&file_name);
    let manifest: Option<BackupInfo> = std::fs::read_to_string(sidecar(path, "json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    let created_at = match (&manifest, parsed) {
        (Some(m), _) => m.created_at.clone(),
        (None, Some((t, _))) => to_rfc3339_local(t),
        (None, None) => meta
            .modified()
            .ok()
            .map(|m| to_rfc3339_local(DateTime::<Utc>::from(m)))
            .unwrap_or_default(),
    };
    let info = BackupInfo {
        path: crate::files::shown(path),
        file_name,
        kind: parsed.map(|p| p.1),
        created_at,
        size_bytes: meta.len(),
        sha256: sha256_file(path)?,
        schema_version,
        app_version: manifest
            .as_ref()
            .map(|m| m.app_version.clone())
            .unwrap_or_else(|| crate::VERSION.to_string()),
        counts,
        attachments: manifest.and_then(|m| m.attachments),
    };
    Ok((
        info,
        VerifiedCopy {
            _dir: dir,
            path: copy,
        },
    ))
}

/// Rows per table (internal and full-text shadow tables left out).
pub fn table_counts(conn: &Connection) -> rusqlite::Result<BackupCounts> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE '%_fts%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = BTreeMap::new();
    for n in names {
        let c: i64 = conn.query_row(&format!("SELECT count(*) FROM \"{n}\""), [], |r| r.get(0))?;
        tables.insert(n, c);
    }
    Ok(BackupCounts {
        cases: tables.get("tickets").copied().unwrap_or(0),
        equipment: tables.get("assets").copied(),
        plans: tables.get("maintenance_plans").copied(),
        tables,
    })
}

// ---------------------------------------------------------------------------------------------
// List and rotate

/// Backups made by the app in `dir`, newest first. A backup without a readable manifest is
/// verified on the spot; one that fails verification is left out of the list.
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>> {
    let mut out = vec![];
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(io(dir)(e)),
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some((t, kind)) = parse_name(&name) else {
            continue;
        };
        let path = e.path();
        let manifest: Option<BackupInfo> = std::fs::read_to_string(sidecar(&path, "json"))
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok());
        let info = match manifest {
            Some(mut m) => {
                m.path = crate::files::shown(&path);
                m.file_name = name.clone();
                m.size_bytes = e.metadata().map(|m| m.len()).unwrap_or(m.size_bytes);
                m
            }
            None => match verify(&path) {
                Ok(i) => i,
                Err(_) => continue,
            },
        };
        out.push((t, kind, info));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.file_name.cmp(&a.2.file_name)));
    Ok(out.into_iter().map(|(_, _, i)| i).collect())
}

fn remove_backup(db_file: &Path) {
    let _ = std::fs::remove_file(db_file);
    let _ = std::fs::remove_file(sidecar(db_file, "json"));
    let _ = std::fs::remove_dir_all(sidecar(db_file, "attachments"));
}

/// Applies the retention policy in `dir` (see the module docs). Returns the removed files.
pub fn rotate(dir: &Path, policy: &RetentionPolicy) -> Result<Vec<PathBuf>> {
    let mut by_kind: BTreeMap<&'static str, Vec<(DateTime<Utc>, PathBuf)>> = BTreeMap::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if let Some((t, k)) = parse_name(&name) {
                by_kind.entry(k.as_str()).or_default().push((t, e.path()));
            }
        }
    }
    let mut removed = vec![];
    for (kind, mut items) in by_kind {
        items.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        let keep: Vec<bool> = match kind {
            "manual" => vec![true; items.len()],
            "daily" => {
                let stamps: Vec<_> = items.iter().map(|i| i.0).collect();
                select_keep(&stamps, policy)
            }
            _ => (0..items.len()).map(|i| i < policy.pre).collect(),
        };
        for ((_, p), k) in items.into_iter().zip(keep) {
            if !k {
                remove_backup(&p);
                removed.push(p);
            }
        }
    }
    Ok(removed)
}

/// The newest backup in `dir` that passes verification now.
pub fn latest_good(dir: &Path) -> Result<Option<BackupInfo>> {
    for b in list(dir)? {
        if let Ok(i) = verify(Path::new(&b.path)) {
            return Ok(Some(BackupInfo {
                kind: b.kind,
                created_at: b.created_at,
                attachments: b.attachments,
                ..i
            }));
        }
    }
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Restore

pub(crate) fn restore_attachments(backup_file: &Path, data_dir: &Path) -> Result<()> {
    let src = sidecar(backup_file, "attachments");
    if !src.is_dir() {
        return Ok(());
    }
    let dst = data_dir.join(ATTACHMENTS_DIR);
    let staging = data_dir.join(format!("{ATTACHMENTS_DIR}.restaurando"));
    let _ = std::fs::remove_dir_all(&staging);
    copy_tree(&src, &staging)?;
    // Move the current folder aside first: on Windows a folder cannot be renamed over another,
    // and a file of it open in another program makes the move fail before anything changed.
    let aside = data_dir.join(format!("{ATTACHMENTS_DIR}.anterior"));
    let _ = std::fs::remove_dir_all(&aside);
    if dst.exists() {
        if let Err(e) = std::fs::rename(&dst, &aside) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(io(&dst)(e));
        }
    }
    std::fs::rename(&staging, &dst).map_err(io(&dst))?;
    let _ = std::fs::remove_dir_all(&aside);
    Ok(())
}

/// Is this error from opening the database a sign that the file is damaged (so restoring the
/// latest good backup should be offered)?
pub fn is_damage(e: &CoreError) -> bool {
    match e {
        CoreError::DatabaseDamaged { .. } | CoreError::NotADatabase { .. } => true,
        CoreError::Sqlite(se) => matches!(
            se.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        ),
        _ => false,
    }
}

/// Restores `backup` over the database file at `db_path` that cannot be opened (damaged): the
/// backup is verified first (nothing changes if it fails); the damaged files are moved to
/// `backups/danada-<time>.db[-wal|-shm]`; a verified copy is renamed into place.
///
/// Refused on a workstation that uses a PostgreSQL server (`servidor.json` beside the file):
/// there the store failing to open means the server did not answer, and the SQLite file is the
/// copy kept from before the move, not the office's data; replacing it would restore nothing.
pub fn restore_file(db_path: &Path, backup: &Path, now: DateTime<Utc>) -> Result<RestoreReport> {
    #[cfg(feature = "postgres")]
    if let Some(ws) = db_path
        .parent()
        .map(crate::db::pg::workstation::read)
        .transpose()?
        .flatten()
    {
        return Err(CoreError::Server {
            detail: format!(
                "este equipo usa el servidor {}:{} (base «{}»): los datos de la oficina están \
                 allí, no en el archivo local, y no se restaura nada mientras el servidor no \
                 responda. Cuando responda, el administrador restaura una copia del servidor \
                 (README «Varios equipos»).",
                ws.host, ws.port, ws.dbname
            ),
        });
    }
    let (info, copy) = inspect_copy(backup)?;
    let dir = default_dir(db_path);
    ensure_dir(&dir, true)?;
    let damaged = dir.join(format!("danada-{}.db", stamp(now)));
    let mut moved = None;
    for suffix in ["", "-wal", "-shm"] {
        let from = crate::files::with_suffix(db_path, suffix);
        if from.exists() {
            let to = crate::files::with_suffix(&damaged, suffix);
            std::fs::rename(&from, &to).map_err(io(&from))?;
            if suffix.is_empty() {
                moved = Some(crate::files::shown(&to));
            }
        }
    }
    let tmp = crate::files::with_suffix(db_path, ".restaurando");
    {
        let bytes = std::fs::read(&copy.path).map_err(io(&copy.path))?;
        write_private(&tmp, &bytes)?;
    }
    std::fs::rename(&tmp, db_path).map_err(io(db_path))?;
    if let Some(d) = db_path.parent() {
        sync_dir(d);
        restore_attachments(backup, d)?;
    }
    Ok(RestoreReport {
        restored: info,
        safety_copy: None,
        damaged_copy: moved,
    })
}

/// Before migrating an existing database (hook of [`db::open`]): a verified `pre-migration`
/// backup into `<data dir>/backups/`. The file name takes the system time: it labels a file,
/// it is not a rule.
pub fn before_migrating(conn: &Connection, path: &Path) -> Result<()> {
    create(
        conn,
        &default_dir(path),
        BackupKind::PreMigration,
        chrono::Utc::now(),
        path.parent(),
        true,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn names_round_trip() {
        let now = t("2026-03-02T14:15:00Z");
        for k in BackupKind::ALL {
            let n = format!("{PREFIX}{}-{}.db", stamp(now), k.as_str());
            assert_eq!(parse_name(&n), Some((now, k)), "{n}");
            let n2 = format!("{PREFIX}{}-{}-3.db", stamp(now), k.as_str());
            assert_eq!(parse_name(&n2), Some((now, k)), "{n2}");
        }
        assert_eq!(parse_name("mesa.db"), None);
        assert_eq!(parse_name("mesa-20260302T141500Z-otra.db"), None);
        assert_eq!(parse_name("danada-20260302T141500Z.db"), None);
    }

    #[test]
    fn rotation_keeps_7_daily_4_weekly_12_monthly() {
        // One backup a day at 09:00 Bogota from 2026-01-01 to 2026-03-31 (a Tuesday).
        let start = t("2026-01-01T14:00:00Z");
        let stamps: Vec<_> = (0..90).map(|d| start + chrono::Duration::days(d)).collect();
        let keep = select_keep(&stamps, &RetentionPolicy::default());
        let mut kept: Vec<String> = stamps
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(s, _)| to_local(*s).date().format("%m-%d").to_string())
            .collect();
        kept.sort();
        // 7 days (03-25…03-31); weeks: 03-31, 03-29, 03-22, 03-15; months: 03-31, 02-28, 01-31.
        assert_eq!(
            kept,
            [
                "01-31", "02-28", "03-15", "03-22", "03-25", "03-26", "03-27", "03-28", "03-29",
                "03-30", "03-31"
            ]
        );
        // Order of the input does not matter; several backups a day keep the newest one.
        let mut shuffled = stamps.clone();
        shuffled.reverse();
        shuffled.push(t("2026-03-31T20:00:00Z"));
        let keep2 = select_keep(&shuffled, &RetentionPolicy::default());
        assert_eq!(keep2.iter().filter(|k| **k).count(), 11);
        assert!(
            keep2[shuffled.len() - 1],
            "la más reciente del día se conserva"
        );
        assert!(!keep2[0], "la anterior del mismo día se borra");
        // 400 days: never more than 7 + 4 + 12, and 12 distinct months.
        let long: Vec<_> = (0..400)
            .map(|d| start + chrono::Duration::days(d))
            .collect();
        let k = select_keep(&long, &RetentionPolicy::default());
        let kept: Vec<_> = long
            .iter()
            .zip(&k)
            .filter(|(_, k)| **k)
            .map(|(s, _)| to_local(*s).date())
            .collect();
        let mut months: Vec<_> = kept.iter().map(|d| (d.year(), d.month())).collect();
        months.sort();
        months.dedup();
        assert_eq!(months.len(), 12);
        assert!(kept.len() <= 23);
        assert!(select_keep(&[], &RetentionPolicy::default()).is_empty());
    }
}
