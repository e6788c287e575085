//! Saving documents from the app: where to write (the save dialog, or `MESA_EXPORT_DIR` for tests
//! and scripted use) and opening the result. Shared by the report, equipment and import commands.

use std::path::{Path, PathBuf};

use mesa_core::ApiError;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::CmdResult;

/// Writes a document the user asked to save: through a part file next to it, and a
/// `file_in_use` error («Cierre el archivo en Excel…») when Windows says another program has it
/// open (see `mesa_core::files`).
pub fn write_doc(path: &Path, bytes: &[u8]) -> CmdResult<()> {
    mesa_core::files::write_output(path, bytes).map_err(|e| ApiError::from(&e))
}

/// Where to write `name`: `MESA_EXPORT_DIR/name`, or the path chosen in the save dialog (`None`
/// when the user cancelled). The bool says whether the user chose it (then the file is opened
/// after writing, see [`open_if`]).
pub fn save_target(
    app: &tauri::AppHandle,
    name: &str,
    title: &str,
    (filter, ext): (&str, &str),
) -> CmdResult<Option<(PathBuf, bool)>> {
    if let Some(dir) = std::env::var_os("MESA_EXPORT_DIR").filter(|d| !d.is_empty()) {
        return Ok(Some((PathBuf::from(dir).join(name), false)));
    }
    let chosen = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(name)
        .add_filter(filter, &[ext])
        .blocking_save_file();
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|e| ApiError {
        code: "io".into(),
        message: format!("Ruta no válida: {e}"),
    })?;
    Ok(Some((path, true)))
}

/// Opens `path` with the system's default program when `open` (best effort).
pub fn open_if(app: &tauri::AppHandle, path: &Path, open: bool) {
    if open {
        let _ = app
            .opener()
            .open_path(path.display().to_string(), None::<&str>);
    }
}

/// Asks for one existing file in the native open dialog (`None` when cancelled). With
/// `MESA_PICK_FILE` set (tests, scripted use) returns that path without showing a dialog.
pub fn pick_file(
    app: &tauri::AppHandle,
    title: &str,
    filters: &[(&str, &[&str])],
) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MESA_PICK_FILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let mut dialog = app.dialog().file().set_title(title);
    for (name, extensions) in filters {
        dialog = dialog.add_filter(*name, extensions);
    }
    dialog.blocking_pick_file().and_then(|f| f.into_path().ok())
}
