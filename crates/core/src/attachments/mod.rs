//! Attachments (issue 13): files of any type attached to a case or to an equipment.
//!
//! The content is stored once, by SHA-256 (where, per engine: [`crate::db::blobs`]): on SQLite
//! under the data folder, `attachments/<2 hex>/<62 hex>` (backups copy that folder; restore
//! brings it back); on PostgreSQL in the database, so every workstation opens it (a verified
//! copy in the workstation's `attachments-cache/` is what the system's program opens). A row in
//! `attachments` (migration 0009) names the owner, the original name, size, the type sniffed
//! from the content (a small table of magic bytes, [`sniff`]), who and when.
//!
//! Nothing half-written: the owner and the name are checked before any byte is copied; the
//! content is streamed into a temporary file inside `attachments/` (hashing and counting, the
//! size limit `attachment_max_mb` enforced while reading), synced; then in one write
//! transaction the content is stored (SQLite: renamed into place, or dropped when the same
//! content is already stored; PostgreSQL: inserted in the transaction) with the row and the
//! timeline entry. When that transaction fails, a SQLite file that no row refers to is removed
//! again (PostgreSQL's rows roll back with it). Removal keeps the row (`removed_at`,
//! `removed_by`, `remove_reason`, audited) and deletes the content only when no live row refers
//! to its hash.
//!
//! Executables and scripts (by extension, [`EXECUTABLE_EXTENSIONS`], or by content) are marked
//! `executable`: the app never opens them (`can_open = false`, [`Store::attachment_to_open`]
//! refuses), they can only be saved elsewhere.

pub mod rows;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::db::blobs::{self, Local};
use crate::db::{params, Db, OptionalExt};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::clock::to_db;
use crate::error::{CoreError, Result};
use crate::store::{get_setting_i64, Store};
use rows::{from_row, list_by, COLUMNS};
pub use rows::{type_label, Attachment, AttachmentOwner};

/// Setting: the size limit per file, in MB.
pub const MAX_MB_SETTING: &str = "attachment_max_mb";
pub const DEFAULT_MAX_MB: i64 = 25;
/// The largest limit that can be set (MB).
pub const MAX_MAX_MB: i64 = 500;
/// Reason recorded when a person's attachments are removed on a Ley 1581 request.
pub const LEY_1581_REASON: &str = "Ley 1581";

/// Extensions of executables and scripts: never opened by the app, only saved elsewhere.
pub const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe",
    "bat",
    "cmd",
    "com",
    "ps1",
    "psm1",
    "vbs",
    "vbe",
    "js",
    "jse",
    "wsf",
    "wsh",
    "msi",
    "msp",
    "lnk",
    "scr",
    "pif",
    "hta",
    "cpl",
    "jar",
    "reg",
    "sh",
    "application",
    "gadget",
    "dll",
    "sys",
    "appx",
    "msix",
    "url",
    "inf",
    "scf",
];

/// What the content looks like: (MIME type, Spanish label, executable).
pub fn sniff(head: &[u8], name: &str) -> (&'static str, &'static str, bool) {
    let starts = |m: &[u8]| head.starts_with(m);
    let contains = |m: &[u8]| head.windows(m.len()).any(|w| w == m);
    let ext = extension(name);
    if starts(b"MZ") {
        return (
            "application/x-msdownload",
            "Programa ejecutable de Windows",
            true,
        );
    }
    if starts(b"\x7fELF") {
        return ("application/x-executable", "Programa ejecutable", true);
    }
    if starts(&[0xCF, 0xFA, 0xED, 0xFE]) || starts(&[0xCE, 0xFA, 0xED, 0xFE]) {
        return ("application/x-mach-binary", "Programa ejecutable", true);
    }
    if starts(b"#!") {
        return ("text/x-script", "Script", true);
    }
    if starts(&[0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0]) {
        return (
            "application/x-ms-shortcut",
            "Acceso directo de Windows",
            true,
        );
    }
    if starts(b"%PDF-") {
        return ("application/pdf", "Documento PDF", false);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return ("image/png", "Imagen PNG", false);
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return ("image/jpeg", "Imagen JPEG", false);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return ("image/gif", "Imagen GIF", false);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return ("image/webp", "Imagen WebP", false);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return ("video/mp4", "Video o audio MP4", false);
    }
    if starts(b"ID3") {
        return ("audio/mpeg", "Audio MP3", false);
    }
    if starts(b"Rar!\x1a\x07") {
        return ("application/vnd.rar", "Archivo comprimido RAR", false);
    }
    if starts(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C]) {
        return (
            "application/x-7z-compressed",
            "Archivo comprimido 7z",
            false,
        );
    }
    if starts(&[0x1F, 0x8B]) {
        return ("application/gzip", "Archivo comprimido gzip", false);
    }
    if starts(b"PK\x03\x04") {
        if contains(b"META-INF/MANIFEST.MF") && (contains(b".class") || ext == "jar") {
            return ("application/java-archive", "Programa Java", true);
        }
        if contains(b"word/") {
            return (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "Documento de Word",
                false,
            );
        }
        if contains(b"xl/") {
            return (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "Hoja de cálculo de Excel",
                false,
            );
        }
        if contains(b"ppt/") {
            return (
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "Presentación de PowerPoint",
                false,
            );
        }
        if contains(b"application/vnd.oasis.opendocument") {
            return (
                "application/vnd.oasis.opendocument",
                "Documento OpenDocument",
                false,
            );
        }
        return ("application/zip", "Archivo comprimido ZIP", false);
    }
    if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return match ext.as_str() {
            "doc" => ("application/msword", "Documento de Word 97-2003", false),
            "xls" => (
                "application/vnd.ms-excel",
                "Hoja de cálculo de Excel 97-2003",
                false,
            ),
            "ppt" => (
                "application/vnd.ms-powerpoint",
                "Presentación de PowerPoint 97-2003",
                false,
            ),
            "msi" | "msp" => ("application/x-msi", "Instalador de Windows", true),
            "msg" => ("application/vnd.ms-outlook", "Mensaje de Outlook", false),
            _ => (
                "application/x-ole-storage",
                "Documento de Office 97-2003",
                false,
            ),
        };
    }
    if looks_like_text(head) {
        return ("text/plain", "Texto", false);
    }
    ("application/octet-stream", "Archivo", false)
}

/// UTF-8 (a character cut at the end of the sample is fine) or Windows-1252-like text with no
/// NUL and few control characters.
fn looks_like_text(head: &[u8]) -> bool {
    if head.is_empty() || head.contains(&0) {
        return false;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    if control * 100 > head.len() {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() || head.iter().all(|&b| b != 0x7F),
    }
}

fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Is a file with this name an executable or script by its extension?
pub fn executable_by_name(name: &str) -> bool {
    EXECUTABLE_EXTENSIONS.contains(&extension(name).as_str())
}

/// Checks an attachment's file name: not empty, no folder separators, no `..`, no control or
/// reserved characters, at most 255 characters. Returns it trimmed.
pub fn check_name(name: &str) -> Result<String> {
    let n = name.trim();
    let bad = |msg: &str| {
        Err(CoreError::validation(
            "archivo",
            format!("el nombre «{}» {msg}", n.escape_default()),
        ))
    };
    if n.is_empty() {
        return Err(CoreError::validation(
            "archivo",
            "el archivo no tiene nombre",
        ));
    }
    if n.chars().any(char::is_control) {
        return bad("tiene caracteres de control; cámbielo antes de adjuntarlo");
    }
    if n.contains('/') || n.contains('\\') {
        return bad(
            "contiene separadores de carpeta («/» o «\\»); adjunte el archivo, no una ruta",
        );
    }
    if n.contains("..") {
        return bad("contiene «..»; cámbielo antes de adjuntarlo");
    }
    if n.chars()
        .any(|c| matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
    {
        return bad("contiene caracteres que Windows no admite en nombres (: * ? \" < > |)");
    }
    if n.chars().count() > 255 {
        return bad("es demasiado largo (más de 255 caracteres)");
    }
    Ok(n.to_string())
}

/// Where the blob of `sha256` lives under `data_dir` on SQLite (on PostgreSQL, this
/// workstation's cached copy is [`blobs::cache_path`]).
pub fn blob_path(data_dir: &Path, sha256: &str) -> PathBuf {
    blobs::file_path(data_dir, sha256)
}

/// (`ticket_id`, `asset_id`, `plan_followup_id`) of an owner: exactly one is set.
type OwnerIds = (Option<i64>, Option<i64>, Option<i64>);

/// The owner's row ids (see [`OwnerIds`]).
fn owner_ids(conn: &Db, owner: &AttachmentOwner) -> Result<OwnerIds> {
    match owner {
        AttachmentOwner::Ticket(number) => {
            let id: Option<i64> = conn
                .query_row(
                    "SELECT id FROM tickets WHERE number = ?1 COLLATE NOCASE",
                    [number.trim()],
                    |r| r.get("id"),
                )
                .optional()?;
            let id = id.ok_or_else(|| CoreError::TicketNotFound(number.trim().to_string()))?;
            Ok((Some(id), None, None))
        }
        AttachmentOwner::Asset(tag) => {
            let (id, _) = crate::assets::find_asset(conn, tag)?;
            Ok((None, Some(id), None))
        }
        AttachmentOwner::PlanFollowUp(key) => {
            let id = crate::plans::find_followup(conn, key)?;
            Ok((None, None, Some(id)))
        }
    }
}

fn owner_filter(ids: OwnerIds) -> (&'static str, i64) {
    match ids {
        (Some(t), _, _) => ("ticket_id", t),
        (_, Some(a), _) => ("asset_id", a),
        (_, _, Some(f)) => ("plan_followup_id", f),
        _ => ("ticket_id", -1),
    }
}

/// Deletes the local files of `hashes` that no live row refers to (after a removal committed;
/// see [`blobs::sweep`]).
pub(crate) fn sweep_blobs(conn: &Db, data_dir: &Path, hashes: &[String]) -> Result<usize> {
    blobs::sweep(conn, data_dir, hashes)
}

/// Removes (reason `reason`) every live attachment of the cases `ticket_ids` inside the caller's
/// transaction, with a timeline entry each; pushes their hashes to `hashes` so the caller can
/// [`sweep_blobs`] after committing. Returns how many were removed.
pub(crate) fn remove_for_tickets(
    tx: &Db,
    ticket_ids: &[i64],
    reason: &str,
    actor: &str,
    now: DateTime<Utc>,
    hashes: &mut Vec<String>,
) -> Result<i64> {
    let at = to_db(now);
    let mut n = 0;
    for &tid in ticket_ids {
        let live: Vec<(i64, String, String)> = {
            let mut st = tx.prepare_cached(
                "SELECT id, name, sha256 FROM attachments
                 WHERE ticket_id = ?1 AND removed_at IS NULL ORDER BY id",
            )?;
            let v = st
                .query_map([tid], |r| {
                    Ok((r.get("id")?, r.get("name")?, r.get("sha256")?))
                })?
                .collect::<crate::error::Result<Vec<_>>>()?;
            v
        };
        for (id, name, sha) in live {
            tx.execute(
                "UPDATE attachments SET removed_at = ?1, removed_by = ?2, remove_reason = ?3
                 WHERE id = ?4",
                params![at, actor, reason, id],
            )?;
            crate::tickets::add_event(
                tx,
                tid,
                &at,
                actor,
                "attachment_removed",
                None,
                None,
                Some(&name),
                Some(reason),
            )?;
            hashes.push(sha);
            n += 1;
        }
    }
    blobs::release_in(tx, hashes)?;
    Ok(n)
}

/// Stored content: hash, size, type.
struct Stored {
    sha256: String,
    size: i64,
    media_type: &'static str,
    executable: bool,
}

/// Content read into a temp file, not yet stored: its hash, size and type.
struct Staged {
    tmp: tempfile::NamedTempFile,
    sha256: String,
    size: i64,
    media_type: &'static str,
    executable: bool,
}

/// Streams `src` into a temp file in `root` (the engine's staging folder,
/// [`blobs::staging_dir`]), hashed and counted (refused above `max_bytes` or when empty),
/// synced. [`blobs::put`] then stores it inside the write transaction.
fn stage(root: &Path, name: &str, src: &mut dyn Read, max_bytes: u64) -> Result<Staged> {
    std::fs::create_dir_all(root).map_err(crate::files::io(root))?;
    let tmp = tempfile::Builder::new()
        .prefix(".entrando-")
        .tempfile_in(root)
        .map_err(crate::files::io(root))?;
    let tmp_path = tmp.path().to_path_buf();
    let mut file = tmp.as_file();
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(CoreError::validation(
                    "archivo",
                    format!("no se pudo leer «{name}»: {e}"),
                ))
            }
        };
        total += n as u64;
        if total > max_bytes {
            return Err(too_big(name, max_bytes));
        }
        let chunk = &buf[..n];
        if head.len() < 64 * 1024 {
            let take = (64 * 1024 - head.len()).min(n);
            head.extend_from_slice(&chunk[..take]);
        }
        hasher.update(chunk);
        file.write_all(chunk).map_err(crate::files::io(&tmp_path))?;
    }
    if total == 0 {
        return Err(CoreError::validation(
            "archivo",
            format!("«{name}» está vacío (0 bytes); no se adjuntó"),
        ));
    }
    file.sync_all().map_err(crate::files::io(&tmp_path))?;
    let sha256: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (media_type, _, exe_content) = sniff(&head, name);
    Ok(Staged {
        tmp,
        sha256,
        size: total as i64,
        media_type,
        executable: exe_content || executable_by_name(name),
    })
}

/// After a restore on PostgreSQL: a dump made before PostgreSQL migration 0006 has no
/// attachment content (`attachment_blobs`); the files were copied beside it, in the folder
/// `from` (`<2 hex>/<62 hex>`, the layout of the data folder's `attachments/`). Inside the
/// caller's write transaction, each attachment whose content the server lacks is read from
/// there, hashed again and stored; a file missing or whose content no longer has its hash is
/// left out (the attachment then says its file is missing, as before). Returns how many were
/// stored.
pub(crate) fn load_missing_content(tx: &Db, data_dir: &Path, from: &Path) -> Result<usize> {
    let missing: Vec<String> = tx
        .prepare(
            "SELECT DISTINCT a.sha256 AS sha256 FROM attachments a
              WHERE a.sha256 IS NOT NULL AND length(a.sha256) = 64
                AND NOT EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.sha256 = a.sha256)",
        )?
        .query_map([], |r| r.get("sha256"))?
        .collect::<Result<_>>()?;
    let mut stored = 0;
    for h in missing {
        if !h.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let src = from.join(&h[..2]).join(&h[2..]);
        let Ok(mut f) = std::fs::File::open(&src) else {
            continue;
        };
        let staged = stage(&blobs::staging_dir(tx, data_dir), &h, &mut f, u64::MAX)?;
        if staged.sha256 != h {
            continue;
        }
        blobs::put(tx, data_dir, staged.tmp, &h, staged.size)?;
        stored += 1;
    }
    Ok(stored)
}

/// Attaches `bytes` to the case with row id `ticket_id` inside the caller's write transaction
/// (mail intake: the raw `.eml` and the mail's attachments): the content is stored first (on
/// SQLite content addressed, so a rolled-back transaction leaves at most an unreferenced file
/// that the same content reuses; on PostgreSQL inside the transaction), then the row and the
/// timeline entry. A name that is not valid as a file name becomes `fallback`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn attach_in(
    tx: &Db,
    data_dir: &Path,
    ticket_id: i64,
    name: &str,
    fallback: &str,
    bytes: &[u8],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let name = check_name(name).or_else(|_| check_name(fallback))?;
    let max = get_setting_i64(tx, MAX_MB_SETTING, DEFAULT_MAX_MB)?.clamp(1, MAX_MAX_MB) as u64
        * 1024
        * 1024;
    let mut r = bytes;
    let s = stage(&blobs::staging_dir(tx, data_dir), &name, &mut r, max)?;
    let (sha256, size, media_type, executable) =
        (s.sha256.clone(), s.size, s.media_type, s.executable);
    blobs::put(tx, data_dir, s.tmp, &sha256, size)?;
    let s = Stored {
        sha256,
        size,
        media_type,
        executable,
    };
    let at = to_db(now);
    tx.execute(
        "INSERT INTO attachments(ticket_id, name, size, media_type, sha256, executable, added_at,
            added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            ticket_id,
            name,
            s.size,
            s.media_type,
            s.sha256,
            s.executable as i64,
            at,
            actor
        ],
    )?;
    let note = format!("{}, {}", type_label(s.media_type), size_text(s.size));
    crate::tickets::timeline::add_event(
        tx,
        ticket_id,
        &at,
        actor,
        "attachment_added",
        None,
        None,
        Some(&name),
        Some(&note),
    )
}

fn too_big(name: &str, max_bytes: u64) -> CoreError {
    CoreError::validation(
        "archivo",
        format!(
            "«{name}» supera el límite de {} MB por archivo (Ajustes → «Tamaño máximo de adjuntos»)",
            max_bytes / (1024 * 1024)
        ),
    )
}

/// A file size as people read it («2,5 MB», «340 KB», «12 bytes»).
pub fn size_text(size: i64) -> String {
    if size >= 1024 * 1024 {
        format!("{:.1} MB", size as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else if size >= 1024 {
        format!("{} KB", size / 1024)
    } else {
        format!("{size} bytes")
    }
}

impl Store {
    /// Attaching needs the right to work on the case, or on equipment.
    fn authorize_owner(&self, owner: &AttachmentOwner) -> Result<()> {
        match owner {
            AttachmentOwner::Ticket(n) => self.authorize_case(n),
            AttachmentOwner::Asset(_) => self.authorize(crate::people::Permission::Equipment),
            AttachmentOwner::PlanFollowUp(_) => self.authorize(crate::people::Permission::Reports),
        }
    }
}

impl Store {
    pub(crate) fn attachments_dir_checked(&self) -> Result<PathBuf> {
        self.data_dir().ok_or_else(|| {
            CoreError::validation(
                "adjuntos",
                "esta base de datos no tiene carpeta de datos (está en memoria)",
            )
        })
    }

    /// The size limit per file, in MB (`attachment_max_mb`, default 25).
    pub fn attachment_max_mb(&self) -> Result<i64> {
        Ok(self
            .setting_i64(MAX_MB_SETTING, DEFAULT_MAX_MB)?
            .clamp(1, MAX_MAX_MB))
    }

    /// Sets the size limit per file (1 to 500 MB).
    pub fn set_attachment_max_mb(&mut self, mb: i64) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        if !(1..=MAX_MAX_MB).contains(&mb) {
            return Err(CoreError::validation(
                "tamaño máximo de adjuntos",
                format!("debe estar entre 1 y {MAX_MAX_MB} MB"),
            ));
        }
        self.set_setting(MAX_MB_SETTING, &mb.to_string())
    }

    /// Attaches the file at `path` (its name is the file's own name).
    pub fn attach_file(
        &mut self,
        owner: &AttachmentOwner,
        path: &Path,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Attachment> {
        self.authorize_owner(owner)?;
        let raw_name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let name = check_name(&raw_name)?;
        let meta = std::fs::metadata(path).map_err(|e| {
            CoreError::validation(
                "archivo",
                format!(
                    "no se pudo leer «{}»: {}",
                    crate::files::shown(path),
                    io_reason(&e)
                ),
            )
        })?;
        if !meta.is_file() {
            return Err(CoreError::validation(
                "archivo",
                format!("«{name}» no es un archivo (¿es una carpeta?)"),
            ));
        }
        let max = self.attachment_max_mb()? as u64 * 1024 * 1024;
        if meta.len() > max {
            return Err(too_big(&name, max));
        }
        let mut f = std::fs::File::open(path).map_err(|e| {
            CoreError::validation(
                "archivo",
                format!("no se pudo leer «{name}»: {}", io_reason(&e)),
            )
        })?;
        self.attach_reader(owner, &name, &mut f, actor, now)
    }

    /// Attaches `bytes` under `name` (drag and drop of content, tests).
    pub fn attach_bytes(
        &mut self,
        owner: &AttachmentOwner,
        name: &str,
        bytes: &[u8],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Attachment> {
        self.authorize_owner(owner)?;
        let name = check_name(name)?;
        let mut r = bytes;
        self.attach_reader(owner, &name, &mut r, actor, now)
    }

    fn attach_reader(
        &mut self,
        owner: &AttachmentOwner,
        name: &str,
        src: &mut dyn Read,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Attachment> {
        let data_dir = self.attachments_dir_checked()?;
        // The owner first: a case or equipment that does not exist never gets a blob.
        let ids = owner_ids(&self.conn, owner)?;
        check_owner_open(&self.conn, ids)?;
        let max = self.attachment_max_mb()? as u64 * 1024 * 1024;
        let staged = stage(&blobs::staging_dir(&self.conn, &data_dir), name, src, max)?;
        let sha256 = staged.sha256.clone();
        let mut created = false;
        let res = self.insert_row(ids, name, staged, &data_dir, &mut created, actor, now);
        if res.is_err() && created {
            blobs::discard_new(&self.conn, &data_dir, &sha256);
        }
        res
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_row(
        &mut self,
        ids: OwnerIds,
        name: &str,
        staged: Staged,
        data_dir: &Path,
        created: &mut bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Attachment> {
        let at = to_db(now);
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let s = Stored {
            sha256: staged.sha256.clone(),
            size: staged.size,
            media_type: staged.media_type,
            executable: staged.executable,
        };
        *created = blobs::put(&tx, data_dir, staged.tmp, &s.sha256, s.size)?;
        let id: i64 = tx.query_row(
            "INSERT INTO attachments(ticket_id, asset_id, plan_followup_id, name, size,
                media_type, sha256, executable, added_at, added_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            params![
                ids.0,
                ids.1,
                ids.2,
                name,
                s.size,
                s.media_type,
                s.sha256,
                s.executable as i64,
                at,
                actor
            ],
            |r| r.get("id"),
        )?;
        let note = format!("{}, {}", type_label(s.media_type), size_text(s.size));
        match ids {
            (Some(tid), _, _) => crate::tickets::add_event(
                &tx,
                tid,
                &at,
                actor,
                "attachment_added",
                None,
                None,
                Some(name),
                Some(&note),
            )?,
            (_, Some(aid), _) => asset_note(
                &tx,
                aid,
                now,
                actor,
                format!("Adjunto agregado: {name} ({note})"),
            )?,
            _ => {}
        }
        let a = tx.query_row(
            &format!("SELECT {COLUMNS} FROM attachments WHERE id = ?1"),
            [id],
            from_row,
        )?;
        tx.commit()?;
        Ok(a)
    }

    /// The attachments of a case or equipment (removed ones included, marked).
    pub fn list_attachments(&self, owner: &AttachmentOwner) -> Result<Vec<Attachment>> {
        let (col, id) = owner_filter(owner_ids(&self.conn, owner)?);
        list_by(&self.conn, col, id)
    }

    fn find(&self, owner: &AttachmentOwner, id: i64) -> Result<(Attachment, OwnerIds)> {
        let ids = owner_ids(&self.conn, owner)?;
        let (col, oid) = owner_filter(ids);
        let a = self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM attachments WHERE id = ?1 AND {col} = ?2"),
                params![id, oid],
                from_row,
            )
            .optional()?
            .ok_or_else(|| CoreError::MaintenanceNotFound {
                what: "el adjunto",
                id: format!("{id} en {}", owner_key(owner)),
            })?;
        Ok((a, ids))
    }

    /// Removes an attachment with a reason: the row stays (marked, audited), the timeline or
    /// the life record says so, and the file is deleted when no live row refers to it.
    pub fn remove_attachment(
        &mut self,
        owner: &AttachmentOwner,
        id: i64,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Attachment> {
        self.authorize(crate::people::Permission::AttachmentDelete)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(CoreError::validation(
                "motivo",
                "indique por qué se quita el adjunto",
            ));
        }
        let data_dir = self.attachments_dir_checked()?;
        let (a, ids) = self.find(owner, id)?;
        if a.removed_at.is_some() {
            return Err(CoreError::validation(
                "adjunto",
                format!("«{}» ya fue quitado", a.name),
            ));
        }
        check_owner_open(&self.conn, ids)?;
        let at = to_db(now);
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        tx.execute(
            "UPDATE attachments SET removed_at = ?1, removed_by = ?2, remove_reason = ?3,
                 is_photo = 0
             WHERE id = ?4",
            params![at, actor, reason, id],
        )?;
        match ids {
            (Some(tid), _, _) => crate::tickets::add_event(
                &tx,
                tid,
                &at,
                actor,
                "attachment_removed",
                None,
                None,
                Some(&a.name),
                Some(reason),
            )?,
            (_, Some(aid), _) => asset_note(
                &tx,
                aid,
                now,
                actor,
                format!("Adjunto quitado: {}. Motivo: {reason}", a.name),
            )?,
            _ => {}
        }
        blobs::release_in(&tx, std::slice::from_ref(&a.sha256))?;
        tx.commit()?;
        sweep_blobs(&self.conn, &data_dir, std::slice::from_ref(&a.sha256))?;
        let (a, _) = self.find(owner, id)?;
        Ok(a)
    }

    /// Marks an image attachment (PNG or JPEG) as the equipment's photo (the hoja de vida shows
    /// it); the previous photo stops being one. The life record says so.
    pub fn set_asset_photo(
        &mut self,
        tag: &str,
        id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Attachment> {
        self.authorize(crate::people::Permission::Equipment)?;
        let owner = AttachmentOwner::Asset(tag.to_string());
        let (a, ids) = self.find(&owner, id)?;
        if a.removed_at.is_some() || !a.is_image {
            return Err(CoreError::validation(
                "foto",
                format!(
                    "«{}» no puede ser la foto del equipo: use una imagen PNG o JPEG adjunta",
                    a.name
                ),
            ));
        }
        let aid = ids.1.unwrap_or(-1);
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        tx.execute(
            "UPDATE attachments SET is_photo = 0 WHERE asset_id = ?1 AND is_photo = 1 AND id <> ?2",
            params![aid, id],
        )?;
        tx.execute("UPDATE attachments SET is_photo = 1 WHERE id = ?1", [id])?;
        asset_note(&tx, aid, now, actor, format!("Foto del equipo: {}", a.name))?;
        tx.commit()?;
        let (a, _) = self.find(&owner, id)?;
        Ok(a)
    }

    /// [`Store::asset_photo`] by placa.
    pub fn asset_photo_of(&self, tag: &str) -> Result<Option<(String, Vec<u8>)>> {
        let (id, _) = crate::assets::find_asset(&self.conn, tag)?;
        self.asset_photo(id)
    }

    /// The bytes of the equipment's photo (`None` without one, or when its file is missing or
    /// altered).
    pub fn asset_photo(&self, asset_id: i64) -> Result<Option<(String, Vec<u8>)>> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT sha256, media_type FROM attachments
                 WHERE asset_id = ?1 AND is_photo = 1 AND removed_at IS NULL
                 ORDER BY id DESC LIMIT 1",
                [asset_id],
                |r| Ok((r.get("sha256")?, r.get("media_type")?)),
            )
            .optional()?;
        let (Some((sha, mt)), Some(d)) = (row, self.data_dir()) else {
            return Ok(None);
        };
        Ok(blobs::read(&self.conn, &d, &sha)
            .ok()
            .flatten()
            .map(|b| (mt, b)))
    }

    /// The stored file of an attachment, after checking that its content still has its hash.
    pub fn attachment_blob(
        &self,
        owner: &AttachmentOwner,
        id: i64,
    ) -> Result<(Attachment, PathBuf)> {
        let data_dir = self.attachments_dir_checked()?;
        let (a, _) = self.find(owner, id)?;
        if a.removed_at.is_some() {
            return Err(CoreError::validation(
                "adjunto",
                format!("«{}» fue quitado; su archivo ya no está disponible", a.name),
            ));
        }
        let p = match blobs::local_file(&self.conn, &data_dir, &a.sha256)? {
            Local::File(p) => p,
            Local::Missing => return Err(missing(&a, self.conn.engine())),
            Local::Altered => return Err(altered(&a)),
        };
        Ok((a, p))
    }

    /// The stored file to open with the system's program: refused for executables and scripts.
    pub fn attachment_to_open(
        &self,
        owner: &AttachmentOwner,
        id: i64,
    ) -> Result<(Attachment, PathBuf)> {
        let (a, p) = self.attachment_blob(owner, id)?;
        if !a.can_open {
            return Err(CoreError::validation(
                "adjunto",
                format!(
                    "«{}» es un programa o script: por seguridad no se abre desde la aplicación; use «Guardar copia»",
                    a.name
                ),
            ));
        }
        Ok((a, p))
    }

    /// Saves a copy of an attachment to `to` (through a part file, verified first).
    pub fn save_attachment_copy(
        &self,
        owner: &AttachmentOwner,
        id: i64,
        to: &Path,
    ) -> Result<Attachment> {
        let (a, p) = self.attachment_blob(owner, id)?;
        let bytes = std::fs::read(&p).map_err(crate::files::io(&p))?;
        crate::files::write_output(to, &bytes)?;
        Ok(a)
    }
}

fn owner_key(owner: &AttachmentOwner) -> String {
    match owner {
        AttachmentOwner::Ticket(n) => format!("el caso {}", n.trim()),
        AttachmentOwner::Asset(t) => format!("el equipo {}", t.trim()),
        AttachmentOwner::PlanFollowUp(k) => format!("el seguimiento {}", k.trim()),
    }
}

/// A case must be workable, a follow-up's action not yet verified, to change its attachments.
fn check_owner_open(conn: &Db, ids: OwnerIds) -> Result<()> {
    match ids {
        (Some(tid), _, _) => check_ticket_open(conn, tid),
        (_, _, Some(fid)) => crate::plans::check_followup_open(conn, fid),
        _ => Ok(()),
    }
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "el archivo no existe".into(),
        std::io::ErrorKind::PermissionDenied => "no hay permiso para leerlo".into(),
        _ => e.to_string(),
    }
}

fn check_ticket_open(conn: &Db, ticket_id: i64) -> Result<()> {
    let (number, status): (String, crate::model::TicketStatus) = conn.query_row(
        "SELECT number, status FROM tickets WHERE id = ?1",
        [ticket_id],
        |r| Ok((r.get("number")?, r.get("status")?)),
    )?;
    if !status.is_workable() {
        return Err(CoreError::validation(
            "adjunto",
            format!(
                "el caso {number} está «{}»: no se le agregan ni quitan adjuntos",
                status.label()
            ),
        ));
    }
    Ok(())
}

fn asset_note(
    conn: &Db,
    asset_id: i64,
    now: DateTime<Utc>,
    actor: &str,
    description: String,
) -> Result<()> {
    crate::assets::add_asset_event(
        conn,
        asset_id,
        &to_db(now),
        &crate::assets::today(now).format("%Y-%m-%d").to_string(),
        actor,
        crate::assets::EventRow {
            kind: "note",
            description: Some(description),
            field: Some("adjunto"),
            ..Default::default()
        },
    )
}

fn missing(a: &Attachment, engine: crate::db::Engine) -> CoreError {
    let where_ = match engine {
        crate::db::Engine::Sqlite => "en la carpeta de adjuntos",
        crate::db::Engine::Postgres => "en el servidor",
    };
    CoreError::validation(
        "adjunto",
        format!(
            "falta el archivo de «{}» {where_}; restaure la última copia de seguridad",
            a.name
        ),
    )
}

fn altered(a: &Attachment) -> CoreError {
    CoreError::validation(
        "adjunto",
        format!(
            "el archivo de «{}» fue alterado (su huella SHA-256 no coincide); restaure la última copia de seguridad",
            a.name
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_types() {
        assert_eq!(sniff(b"%PDF-1.7\n", "a.pdf").0, "application/pdf");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "x.bin").0, "image/png");
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0], "x").0, "image/jpeg");
        assert!(sniff(b"MZ\x90\x00", "foto.jpg").2);
        assert!(sniff(b"#!/bin/sh\n", "x.txt").2);
        assert_eq!(sniff("hola señor\n".as_bytes(), "n.txt").0, "text/plain");
        assert_eq!(sniff(&[0, 1, 2, 3], "x").0, "application/octet-stream");
        assert!(executable_by_name("Factura.PDF.exe"));
        assert!(!executable_by_name("informe.pdf"));
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("informe.pdf").is_ok());
        for bad in ["", "a/b.txt", "a\\b.txt", "..", "x..y", "a\u{7}.txt", "a:b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
