//! Cases: register, list, detail, lifecycle actions, dashboard, catalogs, survey, auto-close.

use mesa_core::{
    AppInfo, Catalogs, Clock, Dashboard, FollowUp, NewFollowUp, NewTicket, SystemClock, Ticket,
    TicketAction, TicketDetail, TicketEdit, TicketPage, TicketQuery,
};

use crate::{AppState, CmdResult};

#[tauri::command(async)]
pub fn app_info(state: tauri::State<'_, AppState>) -> CmdResult<AppInfo> {
    Ok(state.info.clone())
}

#[tauri::command(async)]
pub fn ticket_create(state: tauri::State<'_, AppState>, input: NewTicket) -> CmdResult<Ticket> {
    state.with_now(|s, now| s.create_ticket(&input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn ticket_list(state: tauri::State<'_, AppState>, query: TicketQuery) -> CmdResult<TicketPage> {
    state.read(|s| s.list_tickets(&query, SystemClock.now()))
}

#[tauri::command(async)]
pub fn ticket_get(state: tauri::State<'_, AppState>, number: String) -> CmdResult<TicketDetail> {
    let principal = state.principal();
    let mut d = state.read(|s| s.get_ticket(&number, SystemClock.now()))?;
    // What the session cannot do is not offered (core refuses it anyway).
    if !mesa_core::people::may_work_on(principal.as_ref(), d.ticket.assignee.as_deref()) {
        d.editable = false;
        d.allowed_actions.clear();
    }
    Ok(d)
}

/// Applies one lifecycle action. `version`: the `Ticket::version` the screen showed; a case
/// changed meanwhile by someone else is refused with `conflicto_edicion` (nothing written).
#[tauri::command(async)]
pub fn ticket_action(
    state: tauri::State<'_, AppState>,
    number: String,
    version: i64,
    action: TicketAction,
) -> CmdResult<Ticket> {
    state.with_now(|s, now| {
        s.apply_action_if_unchanged(&number, &action, version, &state.actor(), now)
    })
}

/// Corrects or reclassifies a case (each change on its timeline; see `Store::edit_ticket`).
/// `version`: the `Ticket::version` the form was filled from (see `ticket_action`).
#[tauri::command(async)]
pub fn ticket_edit(
    state: tauri::State<'_, AppState>,
    number: String,
    version: i64,
    edit: TicketEdit,
) -> CmdResult<Ticket> {
    state
        .with_now(|s, now| s.edit_ticket_if_unchanged(&number, &edit, version, &state.actor(), now))
}

/// Adds a follow-up or an internal note to a case.
#[tauri::command(async)]
pub fn ticket_follow_up(
    state: tauri::State<'_, AppState>,
    number: String,
    input: NewFollowUp,
) -> CmdResult<FollowUp> {
    state.with_now(|s, now| s.add_follow_up(&number, &input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn dashboard(state: tauri::State<'_, AppState>) -> CmdResult<Dashboard> {
    state.read(|s| s.dashboard(SystemClock.now()))
}

#[tauri::command(async)]
pub fn catalogs(state: tauri::State<'_, AppState>) -> CmdResult<Catalogs> {
    state.read(|s| s.catalogs())
}

#[tauri::command(async)]
pub fn survey_mailto(state: tauri::State<'_, AppState>, number: String) -> CmdResult<String> {
    state.read(|s| s.survey_mailto(&number))
}

#[tauri::command(async)]
pub fn autoclose(state: tauri::State<'_, AppState>) -> CmdResult<usize> {
    state.with_now(|s, now| s.autoclose(now).map(|v| v.len()))
}
