//! Writing files the user will open (exports, reports, documents, audit and data-subject
//! exports) and the file-system rules that differ on Windows. One home for them:
//!
//! - **Nothing half-written:** every output is written to `<name>.part` next to the target and
//!   then renamed over it, so a failed or refused write leaves the old file as it was.
//! - **A file open in another program:** Windows refuses to replace a file that Excel (or a PDF
//!   viewer) holds open (`ERROR_SHARING_VIOLATION`, `ERROR_LOCK_VIOLATION`, or
//!   `ERROR_ACCESS_DENIED` on an existing file). That becomes [`CoreError::FileInUse`], whose
//!   Spanish message tells the user to close it, not an OS error.
//! - **Flushing needs a writable handle:** `FlushFileBuffers` (what `File::sync_all` calls on
//!   Windows) fails with «Access denied» on a handle opened read-only, so [`sync_file`] opens
//!   the file for writing. Folders are only synced on Unix (Windows cannot open a folder as a
//!   file, and NTFS does not need it).
//! - **Paths shown to people** ([`shown`]) drop the `\\?\` prefix of Windows' extended-length
//!   paths; everything else (spaces, accents, backslashes, drive letters) is kept as is.
//! - **Private files:** 0600 files and 0700 folders on Unix; on Windows the per-user data folder
//!   (`%APPDATA%`) is already private to the user's account, and there are no modes to set.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{CoreError, Result};

/// A path as shown in messages and manifests: as given, without the `\\?\` (or `\\?\UNC\`)
/// prefix of Windows' extended-length paths.
pub fn shown(path: &Path) -> String {
    let s = path.display().to_string();
    if let Some(rest) = s.strip_prefix(r"\\?\UNC\") {
        format!(r"\\{rest}")
    } else if let Some(rest) = s.strip_prefix(r"\\?\") {
        rest.to_string()
    } else {
        s
    }
}

/// Windows error codes that mean «another program holds this file».
const ERROR_ACCESS_DENIED: i32 = 5;
const ERROR_SHARING_VIOLATION: i32 = 32;
const ERROR_LOCK_VIOLATION: i32 = 33;

/// Is this error, from writing or replacing `target`, Windows saying that another program has
/// the file open? Pure on its inputs (`raw_os_error`, whether the target exists), so it is
/// tested on every platform.
pub fn is_in_use(raw_os_error: Option<i32>, target_exists: bool, windows: bool) -> bool {
    if !windows {
        return false;
    }
    match raw_os_error {
        Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION) => true,
        // Replacing or truncating an existing file that is open without FILE_SHARE_DELETE.
        Some(ERROR_ACCESS_DENIED) => target_exists,
        _ => false,
    }
}

/// The error for an I/O failure on `path`: [`CoreError::FileInUse`] when Windows says another
/// program holds the file, else [`CoreError::Io`].
pub fn io_error(path: &Path, source: std::io::Error) -> CoreError {
    if is_in_use(source.raw_os_error(), path.exists(), cfg!(windows)) {
        CoreError::FileInUse {
            path: shown(path),
            program: program_for(path),
        }
    } else {
        CoreError::Io {
            path: shown(path),
            source,
        }
    }
}

/// The program people usually have a file open in, by its extension (for the advice of
/// [`CoreError::FileInUse`]). A `.part` file is named for the target it stands for.
pub fn program_for(path: &Path) -> &'static str {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".part").unwrap_or(&name);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "xlsx" | "xlsm" | "xls" | "csv" | "ods" => "Excel",
        "pdf" => "el visor de PDF",
        _ => "el otro programa",
    }
}

/// `map_err` adapter for [`io_error`].
pub fn io(path: &Path) -> impl Fn(std::io::Error) -> CoreError + '_ {
    move |e| io_error(path, e)
}

/// `path` with `suffix` appended to its last component (`mesa.db` → `mesa.db-wal`), without a
/// round trip through text (lossless for any Windows or Unix name).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// `<target>.part`, next to the target (same folder, so the final rename stays on one disk).
pub fn part_path(target: &Path) -> PathBuf {
    with_suffix(target, ".part")
}

/// Replaces `target` with `from` (a finished `.part` file). When Windows refuses because the
/// target is open in another program the `.part` file is removed and the target is untouched.
pub fn replace(from: &Path, target: &Path) -> Result<()> {
    match std::fs::rename(from, target) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(from);
            Err(io_error(target, e))
        }
    }
}

/// Writes an output through `<target>.part`: `write` fills the part file (given its path);
/// then it replaces `target`. On any error the part file is removed and `target` is as before.
pub fn write_via_part(target: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let part = part_path(target);
    match write(&part) {
        Ok(()) => replace(&part, target),
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

/// Writes `bytes` to `target` (a document the user chose to save): through a part file, synced.
pub fn write_output(target: &Path, bytes: &[u8]) -> Result<()> {
    write_via_part(target, |part| {
        let mut f = std::fs::File::create(part).map_err(io(part))?;
        f.write_all(bytes).map_err(io(part))?;
        f.sync_all().map_err(io(part))
    })
}

/// [`write_output`] for files with personal data: readable by the user only on Unix.
pub fn write_output_private(target: &Path, bytes: &[u8]) -> Result<()> {
    write_via_part(target, |part| write_private(part, bytes))
}

/// Saves a workbook through a part file (see [`write_via_part`]). `what` names the document
/// in the error when rust_xlsxwriter itself fails.
pub fn save_workbook(wb: &mut rust_xlsxwriter::Workbook, target: &Path, what: &str) -> Result<()> {
    write_via_part(target, |part| {
        wb.save(part).map_err(|e| match e {
            rust_xlsxwriter::XlsxError::IoError(source) => io_error(part, source),
            e => CoreError::Document {
                what: what.to_string(),
                detail: e.to_string(),
            },
        })
    })
}

/// Creates (or truncates) a file readable by the user only, writes it and syncs it.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = private_file(path)?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))?;
    Ok(())
}

/// Opens (creating or truncating) a file for writing, readable by the user only on Unix.
pub fn private_file(path: &Path) -> Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o.open(path).map_err(io(path))?;
    set_mode(path, 0o600);
    Ok(f)
}

/// Flushes a finished file to disk. Opens it for writing: on Windows `FlushFileBuffers` needs
/// a writable handle (a read-only one fails with «Access denied», os error 5).
pub fn sync_file(path: &Path) -> Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))
}

/// Makes a rename in `dir` durable (Unix). Windows cannot open a folder as a file and NTFS
/// journals renames itself: nothing to do there.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Sets Unix permission bits (the user-only 0600/0700 of personal data). No-op elsewhere.
pub fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_drops_the_extended_length_prefix_only() {
        assert_eq!(
            shown(Path::new(
                r"\\?\C:\Users\Ana María\Mesa de Ayuda TI\data\mesa.db"
            )),
            r"C:\Users\Ana María\Mesa de Ayuda TI\data\mesa.db"
        );
        assert_eq!(
            shown(Path::new(r"\\?\UNC\servidor\compartida\copias")),
            r"\\servidor\compartida\copias"
        );
        assert_eq!(
            shown(Path::new(r"C:\Users\Ana María\informe.xlsx")),
            r"C:\Users\Ana María\informe.xlsx"
        );
        assert_eq!(shown(Path::new("/tmp/a b/ñ.db")), "/tmp/a b/ñ.db");
    }

    #[test]
    fn windows_in_use_codes() {
        assert!(is_in_use(Some(32), true, true));
        assert!(is_in_use(Some(33), false, true));
        assert!(is_in_use(Some(5), true, true));
        // Access denied on a file that does not exist yet is a permission problem.
        assert!(!is_in_use(Some(5), false, true));
        assert!(!is_in_use(Some(2), true, true));
        assert!(!is_in_use(None, true, true));
        // On Unix the same numbers mean other things (5 is EIO).
        assert!(!is_in_use(Some(5), true, false));
        assert!(!is_in_use(Some(32), true, false));
    }

    #[test]
    fn advice_names_the_program() {
        assert_eq!(program_for(Path::new("Casos.XLSX")), "Excel");
        assert_eq!(program_for(Path::new("casos.csv.part")), "Excel");
        assert_eq!(
            program_for(Path::new("Informe de gestión.pdf")),
            "el visor de PDF"
        );
        assert_eq!(program_for(Path::new("auditoria.json")), "el otro programa");
        let e = CoreError::FileInUse {
            path: r"C:\Users\Ana María\Casos.xlsx".into(),
            program: program_for(Path::new("Casos.xlsx")),
        };
        assert_eq!(e.code(), "file_in_use");
        assert!(e
            .to_string()
            .ends_with("Cierre el archivo en Excel y vuelva a intentarlo."));
    }

    #[test]
    fn part_path_is_next_to_the_target() {
        let t = Path::new("dir").join("Informe de gestión.xlsx");
        assert_eq!(
            part_path(&t),
            Path::new("dir").join("Informe de gestión.xlsx.part")
        );
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("salida.csv");
        write_output(&p, b"viejo").unwrap();
        let e = write_via_part(&p, |part| {
            std::fs::write(part, b"a medias").unwrap();
            Err(CoreError::validation("x", "falla a propósito"))
        })
        .unwrap_err();
        assert_eq!(e.code(), "validation");
        assert_eq!(std::fs::read(&p).unwrap(), b"viejo");
        assert!(!part_path(&p).exists());
        write_output(&p, b"nuevo").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"nuevo");
    }

    #[test]
    fn sync_file_works_on_a_finished_file() {
        // The Windows defect: flushing through a read-only handle. This opens it for writing.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("copia.db");
        write_private(&p, b"SQLite format 3\0").unwrap();
        sync_file(&p).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"SQLite format 3\0");
    }

    /// Windows only (runs under Wine in CI): a file held open without sharing, as Excel holds
    /// a workbook, cannot be replaced; the error is `file_in_use` with the Spanish advice and
    /// the file keeps its content.
    #[cfg(windows)]
    #[test]
    fn replacing_a_file_open_in_another_program_says_close_it() {
        use std::os::windows::fs::OpenOptionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("Relación de casos.xlsx");
        std::fs::write(&p, b"abierto en Excel").unwrap();
        let held = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .share_mode(1) // FILE_SHARE_READ only, like Excel
            .open(&p)
            .unwrap();
        let e = write_output(&p, b"nuevo").unwrap_err();
        assert_eq!(e.code(), "file_in_use", "{e}");
        assert!(
            e.to_string()
                .contains("Cierre el archivo en Excel y vuelva a intentarlo"),
            "{e}"
        );
        assert!(e.to_string().contains("Relación de casos.xlsx"), "{e}");
        assert!(!part_path(&p).exists());
        drop(held);
        assert_eq!(std::fs::read(&p).unwrap(), b"abierto en Excel");
        write_output(&p, b"nuevo").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"nuevo");
    }
}
