//! Linked cases (issue 13): link, unlink, the kinds offered, resolve a parent with its children.

use mesa_core::{LinkKind, ResolvedWithChildren, TicketDetail};

use crate::{AppState, CmdResult};

/// The kinds of link the add-link form offers (labels in `es.ts`, keyed by these codes).
#[tauri::command(async)]
pub fn link_kinds() -> CmdResult<Vec<LinkKind>> {
    Ok(LinkKind::ALL.to_vec())
}

#[tauri::command(async)]
pub fn ticket_link(
    state: tauri::State<'_, AppState>,
    number: String,
    kind: LinkKind,
    other: String,
) -> CmdResult<TicketDetail> {
    state.with_now(|s, now| s.link_tickets(&number, kind, &other, &state.actor(), now))
}

#[tauri::command(async)]
pub fn ticket_unlink(
    state: tauri::State<'_, AppState>,
    number: String,
    other: String,
) -> CmdResult<TicketDetail> {
    state.with_now(|s, now| s.unlink_tickets(&number, &other, &state.actor(), now))
}

#[tauri::command(async)]
pub fn ticket_resolve_with_children(
    state: tauri::State<'_, AppState>,
    number: String,
    solution: String,
    products: Option<String>,
    time_spent_minutes: Option<i64>,
) -> CmdResult<ResolvedWithChildren> {
    state.with_now(|s, now| {
        s.resolve_with_children(
            &number,
            &solution,
            products,
            time_spent_minutes,
            &state.actor(),
            now,
        )
    })
}
