//! Changes made by other workstations (issue 17, «Several PCs at once»): the PostgreSQL
//! triggers of `migrations/pg/0004_change_notices.sql` send `NOTIFY mesa_cambios, '<list>:<id>'`
//! at the commit of every write to a row a list shows; a [`Listener`] (its own connection,
//! `LISTEN mesa_cambios`) receives them. The app turns them into an event that refreshes an
//! open list; `mesa server watch` prints them.
//!
//! Notices are a wake-up call, not a log: a listener that was not connected when a change was
//! committed does not get it (the list reloads on reconnecting), and the payload says only
//! *what* to reload (the row is read again through the store, with its permissions).

use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;
use serde::Serialize;

use super::PgTarget;
use crate::error::Result;

/// The channel the triggers notify on.
pub const CHANNEL: &str = "mesa_cambios";

/// One committed change: the list that shows the row (`tickets`, `assets`,
/// `maintenance_plans`, `maintenance_logs`, `plan_findings`, `risks`, `mail_messages`) and the
/// row's id in it (for a case's follow-up, its case's id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Change {
    pub table: String,
    pub id: i64,
}

impl Change {
    /// `tickets:42` → Change; None for a payload the triggers do not send.
    pub fn parse(payload: &str) -> Option<Change> {
        let (table, id) = payload.split_once(':')?;
        if table.is_empty() || !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return None;
        }
        Some(Change {
            table: table.to_string(),
            id: id.parse().ok()?,
        })
    }
}

/// A connection listening on [`CHANNEL`].
pub struct Listener {
    client: Client,
}

impl Listener {
    /// Opens its own connection to `target` and starts listening. Changes committed from now
    /// on are received.
    pub fn connect(target: &PgTarget) -> Result<Listener> {
        let mut client = target.connect()?;
        client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        Ok(Listener { client })
    }

    /// Waits up to `timeout` for changes; returns as soon as at least one arrived, with every
    /// change already received (each once, in arrival order). Empty when none arrived in time.
    /// A lost connection is an error (`server`): reconnect with [`Listener::connect`].
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<Change>> {
        let deadline = Instant::now() + timeout;
        let mut out: Vec<Change> = Vec::new();
        let mut n = self.client.notifications();
        // Already received (no wait), then wait for the first one.
        drain(&mut n, &mut out)?;
        while out.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let next = n.timeout_iter(left).next()?;
            match next {
                Some(m) => push(&mut out, m.payload()),
                None => break,
            }
        }
        // Whatever came with it (one transaction's notices arrive together).
        drain(&mut n, &mut out)?;
        Ok(out)
    }
}

/// Adds a change once (a list reloads once however many times its row changed).
fn push(out: &mut Vec<Change>, payload: &str) {
    if let Some(c) = Change::parse(payload) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
}

/// The notices already received, without waiting.
fn drain(n: &mut postgres::Notifications<'_>, out: &mut Vec<Change>) -> Result<()> {
    let mut it = n.iter();
    while let Some(m) = it.next()? {
        push(out, m.payload());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_parsed_and_foreign_ones_ignored() {
        assert_eq!(
            Change::parse("tickets:42"),
            Some(Change {
                table: "tickets".into(),
                id: 42
            })
        );
        assert_eq!(
            Change::parse("maintenance_plans:7").map(|c| c.table),
            Some("maintenance_plans".into())
        );
        for bad in [
            "",
            "tickets",
            "tickets:",
            ":4",
            "tickets:x",
            "Tickets:1",
            "a b:1",
        ] {
            assert_eq!(Change::parse(bad), None, "{bad}");
        }
    }
}
