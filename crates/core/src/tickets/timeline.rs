//! The case timeline (`ticket_events`): append-only, one entry per change, written in the
//! caller's transaction. A leaf, so every module that changes a case (lifecycle, visits,
//! attachments, links) records it through the same function.

use crate::db::params;

use crate::error::Result;

/// Appends one timeline entry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_event(
    conn: &crate::db::Db,
    ticket_id: i64,
    at: &str,
    actor: &str,
    kind: &str,
    field: Option<&str>,
    old: Option<&str>,
    new: Option<&str>,
    note: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO ticket_events(ticket_id, at, actor, kind, field, old_value, new_value, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![ticket_id, at, actor, kind, field, old, new, note])?;
    Ok(())
}
