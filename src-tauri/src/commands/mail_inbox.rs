//! Commands of the Bandeja de entrada (issue 16): the mails awaiting triage (or all of them),
//! one mail in full, the new-case form prefilled from a mail, register and discard (the same
//! core calls as `mesa mail register|discard`), a survey recorded from a reply to review, a
//! copy of a mail's attachment, dropped `.eml` files (the same path as `mesa mail import`) and
//! «Revisar correo» (the same `mesa_mailsync` pass as `mesa mail fetch`, on a worker thread
//! emitting `mail-progress`).

use std::path::{Path, PathBuf};

use mesa_core::mail::{InboxEntry, MailDetail, MailImportLine, RegisterOverrides};
use mesa_core::NewTicket;

use crate::files::{save_target, write_doc};
use crate::{AppState, CmdResult};

type State<'a> = tauri::State<'a, AppState>;

/// The Bandeja: what awaits triage, or (`all`) every stored mail, newest first.
#[tauri::command(async)]
pub fn mail_inbox(state: State<'_>, all: bool) -> CmdResult<Vec<InboxEntry>> {
    state.read(|s| s.inbox(all))
}

/// One mail in full: headers that matter, body as text, attachments.
#[tauri::command(async)]
pub fn mail_detail(state: State<'_>, id: i64) -> CmdResult<MailDetail> {
    state.read(|s| s.mail_detail(id))
}

/// The new-case form prefilled from mail `id` the way registering fills it.
#[tauri::command(async)]
pub fn mail_draft(state: State<'_>, id: i64) -> CmdResult<NewTicket> {
    state.read(|s| s.mail_draft(id))
}

/// Registers mail `id` as a new case with what the technician changed in the form; the number.
#[tauri::command(async)]
pub fn mail_register(state: State<'_>, id: i64, overrides: RegisterOverrides) -> CmdResult<String> {
    state.with_now(|s, now| s.register_mail(id, &overrides, &state.actor(), now))
}

/// Discards mail `id` with a reason (it stays stored).
#[tauri::command(async)]
pub fn mail_discard(state: State<'_>, id: i64, reason: String) -> CmdResult<()> {
    state.with_now(|s, now| s.discard_mail(id, &reason, &state.actor(), now))
}

/// Records the survey of the case a reply to review belongs to; the case number.
#[tauri::command(async)]
pub fn mail_survey(
    state: State<'_>,
    id: i64,
    scores: Vec<i64>,
    comment: Option<String>,
) -> CmdResult<String> {
    state.with_now(|s, now| s.survey_from_mail(id, scores, comment, &state.actor(), now))
}

/// Saves a copy of attachment `index` of mail `id` where the user chooses (or in
/// `MESA_EXPORT_DIR`); the path, `None` when cancelled.
#[tauri::command(async)]
pub fn mail_attachment_save(
    app: tauri::AppHandle,
    state: State<'_>,
    id: i64,
    index: i64,
) -> CmdResult<Option<String>> {
    let (name, bytes) = state.read(|s| s.mail_attachment(id, index))?;
    let ext = Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("*")
        .to_string();
    let Some((path, _)) = save_target(&app, &name, "Guardar copia del adjunto", ("Archivo", &ext))?
    else {
        return Ok(None);
    };
    write_doc(&path, &bytes)?;
    Ok(Some(path.display().to_string()))
}

/// Files dropped on the window: the saved mails among them (`.eml`, Outlook `.msg`: core's
/// `is_mail_file`), each through the same intake as `mesa mail import`; one line per mail file,
/// none for the other files (left alone).
#[tauri::command(async)]
pub fn mail_import_files(state: State<'_>, paths: Vec<String>) -> CmdResult<Vec<MailImportLine>> {
    Ok(paths
        .into_iter()
        .map(|p| PathBuf::from(p.trim()))
        .filter(|path| mesa_core::mail::is_mail_file(path))
        .map(|path| {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            match state.with_now(|s, now| s.import_mail_file(&path, now)) {
                Ok(out) => MailImportLine {
                    file,
                    message: out.describe(),
                    ok: true,
                },
                Err(e) => MailImportLine {
                    file,
                    message: e.message,
                    ok: false,
                },
            }
        })
        .collect())
}
