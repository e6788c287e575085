//! Scheduled visits and the Agenda: schedule, reschedule and cancel a case's visit, the visits
//! of a range of days, and the `.ics` event saved through `files.rs` (save dialog, or
//! `MESA_EXPORT_DIR` for tests and scripted use: then written under its suggested name and not
//! opened).

use mesa_core::agenda::{parse_day, AgendaItem, Visit, VisitInput};
use mesa_core::{Clock, SystemClock};

use crate::files::{save_target, write_doc};
use crate::{AppState, CmdResult};

type State<'a> = tauri::State<'a, AppState>;

#[tauri::command(async)]
pub fn visit_schedule(state: State<'_>, number: String, input: VisitInput) -> CmdResult<Visit> {
    state.with_now(|s, now| s.schedule_visit(&number, &input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn visit_cancel(state: State<'_>, number: String, reason: String) -> CmdResult<()> {
    state.with_now(|s, now| s.cancel_visit(&number, &reason, &state.actor(), now))
}

/// The visits of the Bogota days `from` ..= `to` (`AAAA-MM-DD`).
#[tauri::command(async)]
pub fn agenda(state: State<'_>, from: String, to: String) -> CmdResult<Vec<AgendaItem>> {
    state.read(|s| s.agenda(parse_day("desde", &from)?, parse_day("hasta", &to)?))
}

/// Saves the case's visit as an `.ics` event; the path written, or `null` when the user
/// cancelled the dialog. The file is not opened: it is meant to be imported or sent.
#[tauri::command(async)]
pub fn visit_ics_save(
    app: tauri::AppHandle,
    state: State<'_>,
    number: String,
) -> CmdResult<Option<String>> {
    let (name, text) = state.read(|s| s.visit_ics(&number, SystemClock.now()))?;
    let Some((path, _)) = save_target(
        &app,
        &name,
        "Guardar evento de calendario",
        ("Evento de calendario (iCalendar)", "ics"),
    )?
    else {
        return Ok(None);
    };
    write_doc(&path, text.as_bytes())?;
    Ok(Some(path.display().to_string()))
}
