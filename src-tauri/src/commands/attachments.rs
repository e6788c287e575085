//! Attachments of cases and equipment (issue 13): attach by path (drag and drop) or through the
//! file picker, list, open with the system's program (core refuses executables), save a copy
//! (save dialog or `MESA_EXPORT_DIR`), remove with a reason, the equipment's photo, the size
//! limit of Ajustes. Every rule is in `mesa_core::attachments`.

use std::path::Path;

use mesa_core::{ApiError, Attachment, AttachmentOwner};
use tauri_plugin_opener::OpenerExt;

use crate::files::{pick_file, save_target};
use crate::{AppState, CmdResult};

type State<'a> = tauri::State<'a, AppState>;

#[tauri::command(async)]
pub fn attachment_list(state: State<'_>, owner: AttachmentOwner) -> CmdResult<Vec<Attachment>> {
    state.read(|s| s.list_attachments(&owner))
}

/// Attaches the file at `path` (a file dropped on the window).
#[tauri::command(async)]
pub fn attachment_add_path(
    state: State<'_>,
    owner: AttachmentOwner,
    path: String,
) -> CmdResult<Attachment> {
    state.with_now(|s, now| s.attach_file(&owner, Path::new(&path), &state.actor(), now))
}

/// Asks for a file (open dialog, or `MESA_PICK_FILE`) and attaches it; `None` when cancelled.
#[tauri::command(async)]
pub fn attachment_pick(
    app: tauri::AppHandle,
    state: State<'_>,
    owner: AttachmentOwner,
) -> CmdResult<Option<Attachment>> {
    let Some(path) = pick_file(&app, "Adjuntar archivo", &[]) else {
        return Ok(None);
    };
    state
        .with_now(|s, now| s.attach_file(&owner, &path, &state.actor(), now))
        .map(Some)
}

/// Opens the attachment with the system's default program (refused for executables).
#[tauri::command(async)]
pub fn attachment_open(
    app: tauri::AppHandle,
    state: State<'_>,
    owner: AttachmentOwner,
    id: i64,
) -> CmdResult<()> {
    let (_, path) = state.read(|s| s.attachment_to_open(&owner, id))?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| ApiError {
            code: "io".into(),
            message: format!("No se pudo abrir el archivo con el programa del sistema: {e}"),
        })
}

/// Saves a copy where the user chooses (or in `MESA_EXPORT_DIR`); the path, `None` when
/// cancelled.
#[tauri::command(async)]
pub fn attachment_save_copy(
    app: tauri::AppHandle,
    state: State<'_>,
    owner: AttachmentOwner,
    id: i64,
) -> CmdResult<Option<String>> {
    let list = state.read(|s| s.list_attachments(&owner))?;
    let name = list
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| format!("adjunto-{id}"));
    let ext = Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("*")
        .to_string();
    let Some((path, _)) = save_target(&app, &name, "Guardar copia del adjunto", ("Archivo", &ext))?
    else {
        return Ok(None);
    };
    state.read(|s| s.save_attachment_copy(&owner, id, &path))?;
    Ok(Some(path.display().to_string()))
}

#[tauri::command(async)]
pub fn attachment_remove(
    state: State<'_>,
    owner: AttachmentOwner,
    id: i64,
    reason: String,
) -> CmdResult<Attachment> {
    state.with_now(|s, now| s.remove_attachment(&owner, id, &reason, &state.actor(), now))
}

/// Marks an image attachment as the equipment's photo (hoja de vida).
#[tauri::command(async)]
pub fn asset_set_photo(state: State<'_>, tag: String, id: i64) -> CmdResult<Attachment> {
    state.with_now(|s, now| s.set_asset_photo(&tag, id, &state.actor(), now))
}

/// The size limit per attached file, in MB (Ajustes).
#[tauri::command(async)]
pub fn attachment_max_mb(state: State<'_>) -> CmdResult<i64> {
    state.read(|s| s.attachment_max_mb())
}

#[tauri::command(async)]
pub fn attachment_set_max_mb(state: State<'_>, mb: i64) -> CmdResult<i64> {
    state.with(|s| {
        s.set_attachment_max_mb(mb)?;
        s.attachment_max_mb()
    })
}
