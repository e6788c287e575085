//! Where attachment content lives, per engine (the attachments module above knows only
//! "put", "a local file with it", "read", "release"):
//!
//! - **SQLite** (one PC): files under the data folder, `attachments/<2 hex>/<62 hex>` named by
//!   SHA-256; backups copy that folder.
//! - **PostgreSQL** (several workstations, issue 17): in the database, so a file attached on one
//!   PC opens on another — `attachment_blobs` (hash, size, number of parts) and
//!   `attachment_blob_parts` (1 MiB pieces), `migrations/pg/0006_shared_files.sql`, written in
//!   the same write transaction as the `attachments` row (dedupe by hash; a rolled-back write
//!   leaves nothing) and deleted in the removal's transaction when no live row refers to them.
//!   Opening or saving streams the pieces into this workstation's cache,
//!   `attachments-cache/<2 hex>/<62 hex>` (verified by hash at every use: an altered or missing
//!   cached copy is fetched again). `pg_dump` backups therefore hold the attachments.
//!
//! Memory stays bounded on both engines: content is streamed through a temp file in 64 KiB
//! reads and 1 MiB pieces, never held whole.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::db::{params, Db, Engine, OptionalExt};
use crate::error::Result;

/// Folder of the content files on SQLite (under the data folder).
pub const ATTACHMENTS_DIR: &str = "attachments";
/// Folder of the workstation's cached copies on PostgreSQL (under the data folder).
pub const CACHE_DIR: &str = "attachments-cache";
/// Size of one stored piece on PostgreSQL.
pub const PART_BYTES: usize = 1 << 20;

fn split(root: PathBuf, sha256: &str) -> PathBuf {
    let (a, b) = sha256.split_at(2.min(sha256.len()));
    root.join(a).join(b)
}

/// The content file of `sha256` on SQLite.
pub fn file_path(data_dir: &Path, sha256: &str) -> PathBuf {
    split(data_dir.join(ATTACHMENTS_DIR), sha256)
}

/// This workstation's cached copy of `sha256` on PostgreSQL.
pub fn cache_path(data_dir: &Path, sha256: &str) -> PathBuf {
    split(data_dir.join(CACHE_DIR), sha256)
}

/// The folder where new content is first written (a temp file): the content folder on SQLite
/// (the rename into place stays on one file system), the cache folder on PostgreSQL.
pub fn staging_dir(db: &Db, data_dir: &Path) -> PathBuf {
    match db.engine() {
        Engine::Sqlite => data_dir.join(ATTACHMENTS_DIR),
        Engine::Postgres => data_dir.join(CACHE_DIR),
    }
}

/// Stores `tmp` (already synced; `sha256` and `size` computed while writing it). SQLite:
/// renamed into place (dropped when that content is already there). PostgreSQL: inserted in
/// pieces, inside the caller's write transaction, unless stored already. Returns whether the
/// content was new.
pub fn put(
    db: &Db,
    data_dir: &Path,
    tmp: tempfile::NamedTempFile,
    sha256: &str,
    size: i64,
) -> Result<bool> {
    match db.engine() {
        Engine::Sqlite => {
            let target = file_path(data_dir, sha256);
            if target.is_file() {
                return Ok(false); // the temp file is dropped
            }
            place(tmp, &target)?;
            Ok(true)
        }
        Engine::Postgres => {
            let stored: Option<i64> = db
                .query_row(
                    "SELECT size FROM attachment_blobs WHERE sha256 = ?1",
                    [sha256],
                    |r| r.get("size"),
                )
                .optional()?;
            let created = stored.is_none();
            if created {
                let parts = (size as usize).div_ceil(PART_BYTES).max(1) as i64;
                db.execute(
                    "INSERT INTO attachment_blobs(sha256, size, parts) VALUES (?1, ?2, ?3)",
                    params![sha256, size, parts],
                )?;
                let path = tmp.path().to_path_buf();
                let mut f = std::fs::File::open(&path).map_err(crate::files::io(&path))?;
                let mut buf = vec![0u8; PART_BYTES];
                for part in 0..parts {
                    let n = read_full(&mut f, &mut buf).map_err(crate::files::io(&path))?;
                    db.execute(
                        "INSERT INTO attachment_blob_parts(sha256, part, content) VALUES (?1, ?2, ?3)",
                        params![sha256, part, &buf[..n]],
                    )?;
                }
            }
            // The temp file is dropped: the transaction may still roll back, and the first
            // opening fetches a verified copy into the cache.
            drop(tmp);
            Ok(created)
        }
    }
}

/// Renames a temp file into `target` (its folder created), private, synced.
fn place(tmp: tempfile::NamedTempFile, target: &Path) -> Result<()> {
    let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
    std::fs::create_dir_all(&dir).map_err(crate::files::io(&dir))?;
    tmp.persist(target)
        .map_err(|e| crate::files::io_error(target, e.error))?;
    crate::files::set_mode(target, 0o600);
    crate::files::sync_dir(&dir);
    Ok(())
}

/// Reads until `buf` is full or the end: the number of bytes read.
fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A local file holding some content, or why there is none.
#[derive(Debug)]
pub enum Local {
    /// Verified: its SHA-256 is the one asked for.
    File(PathBuf),
    /// Not stored (SQLite: no file; PostgreSQL: no row).
    Missing,
    /// Stored, but its content does not have its hash.
    Altered,
}

/// SHA-256 of a file, or None when it cannot be read.
fn hash_file(p: &Path) -> Option<String> {
    let mut f = std::fs::File::open(p).ok()?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).ok()?;
    Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// A local file with the content of `sha256`, verified by hash. SQLite: the stored file.
/// PostgreSQL: the cached copy, streamed from the server when missing or not matching.
pub fn local_file(db: &Db, data_dir: &Path, sha256: &str) -> Result<Local> {
    match db.engine() {
        Engine::Sqlite => {
            let p = file_path(data_dir, sha256);
            if !p.is_file() {
                return Ok(Local::Missing);
            }
            Ok(match hash_file(&p) {
                Some(h) if h == sha256 => Local::File(p),
                Some(_) => Local::Altered,
                None => Local::Missing,
            })
        }
        Engine::Postgres => {
            let p = cache_path(data_dir, sha256);
            if hash_file(&p).is_some_and(|h| h == sha256) {
                return Ok(Local::File(p));
            }
            let parts: Option<i64> = db
                .query_row(
                    "SELECT parts FROM attachment_blobs WHERE sha256 = ?1",
                    [sha256],
                    |r| r.get("parts"),
                )
                .optional()?;
            let Some(parts) = parts else {
                let _ = std::fs::remove_file(&p);
                return Ok(Local::Missing);
            };
            let dir = p.parent().unwrap_or(Path::new(".")).to_path_buf();
            std::fs::create_dir_all(&dir).map_err(crate::files::io(&dir))?;
            let mut tmp = tempfile::Builder::new()
                .prefix(".bajando-")
                .tempfile_in(&dir)
                .map_err(crate::files::io(&dir))?;
            let mut h = Sha256::new();
            for part in 0..parts {
                let chunk: Option<Vec<u8>> = db
                    .query_row(
                        "SELECT content FROM attachment_blob_parts WHERE sha256 = ?1 AND part = ?2",
                        params![sha256, part],
                        |r| r.get("content"),
                    )
                    .optional()?;
                let Some(chunk) = chunk else {
                    return Ok(Local::Altered);
                };
                h.update(&chunk);
                tmp.write_all(&chunk)
                    .map_err(crate::files::io(tmp.path()))?;
            }
            let got: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            if got != sha256 {
                return Ok(Local::Altered);
            }
            tmp.as_file()
                .sync_all()
                .map_err(crate::files::io(tmp.path()))?;
            let _ = std::fs::remove_file(&p);
            place(tmp, &p)?;
            Ok(Local::File(p))
        }
    }
}

/// The content of `sha256`, verified (None when missing or altered). For small files: the
/// equipment's photo, a person's export.
pub fn read(db: &Db, data_dir: &Path, sha256: &str) -> Result<Option<Vec<u8>>> {
    match local_file(db, data_dir, sha256)? {
        Local::File(p) => {
            let bytes = std::fs::read(&p).map_err(crate::files::io(&p))?;
            let got: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Ok((got == sha256).then_some(bytes))
        }
        Local::Missing | Local::Altered => Ok(None),
    }
}

fn live_refs(db: &Db, sha256: &str) -> Result<i64> {
    db.query_row(
        "SELECT count(*) AS n FROM attachments WHERE sha256 = ?1 AND removed_at IS NULL",
        [sha256],
        |r| r.get("n"),
    )
}

/// Inside a removal's write transaction, after its rows were marked removed: on PostgreSQL the
/// content no live row refers to is deleted with the transaction (pieces by cascade). Nothing
/// on SQLite: files go after the commit ([`sweep`]).
pub fn release_in(tx: &Db, hashes: &[String]) -> Result<()> {
    if tx.engine() == Engine::Postgres {
        for h in hashes {
            if live_refs(tx, h)? == 0 {
                tx.execute("DELETE FROM attachment_blobs WHERE sha256 = ?1", [h])?;
            }
        }
    }
    Ok(())
}

/// After a removal committed: the local files of `hashes` no live row refers to are deleted
/// (SQLite: the content; PostgreSQL: this workstation's cached copy). Returns how many.
pub fn sweep(db: &Db, data_dir: &Path, hashes: &[String]) -> Result<usize> {
    let mut n = 0;
    for h in hashes {
        if live_refs(db, h)? == 0 {
            let p = match db.engine() {
                Engine::Sqlite => file_path(data_dir, h),
                Engine::Postgres => cache_path(data_dir, h),
            };
            if p.exists() && std::fs::remove_file(&p).is_ok() {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// When new content was stored but its write failed: on SQLite the file is removed when no row
/// refers to it; on PostgreSQL the rolled-back transaction took the rows with it.
pub fn discard_new(db: &Db, data_dir: &Path, sha256: &str) {
    if db.engine() == Engine::Sqlite && live_refs(db, sha256).unwrap_or(1) == 0 {
        let _ = std::fs::remove_file(file_path(data_dir, sha256));
    }
}

/// PostgreSQL, at opening: cached copies of content the server no longer has (removed on
/// another workstation, e.g. a Ley 1581 request) are deleted from this workstation. Returns how
/// many. Nothing on SQLite.
pub fn prune_cache(db: &Db, data_dir: &Path) -> Result<usize> {
    if db.engine() != Engine::Postgres {
        return Ok(0);
    }
    let root = data_dir.join(CACHE_DIR);
    let Ok(rd) = std::fs::read_dir(&root) else {
        return Ok(0);
    };
    let mut n = 0;
    for d in rd.flatten() {
        let prefix = d.file_name().to_string_lossy().to_string();
        let Ok(files) = std::fs::read_dir(d.path()) else {
            continue;
        };
        for f in files.flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            let sha = format!("{prefix}{name}");
            let keep = sha.len() == 64
                && db
                    .query_row(
                        "SELECT count(*) AS n FROM attachment_blobs WHERE sha256 = ?1",
                        [&sha],
                        |r| r.get::<_, i64>("n"),
                    )
                    .map(|k| k > 0)
                    .unwrap_or(true);
            if !keep && std::fs::remove_file(f.path()).is_ok() {
                n += 1;
            }
        }
    }
    Ok(n)
}
