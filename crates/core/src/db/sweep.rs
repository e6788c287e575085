//! One workstation at a time for the periodic sweeps that write (issue 17, «Several PCs at
//! once»): the automatic survey closing runs every five minutes on every open app; on
//! PostgreSQL only the workstation that gets the sweep's advisory lock runs it, the others skip
//! that round quietly (the next round, five minutes later, tries again).
//!
//! PostgreSQL: `pg_try_advisory_lock(key)` at *session* level on the sweep's own connection
//! (never waits), released with `pg_advisory_unlock(key)` after the sweep; a connection that
//! dies releases it too (the server drops a session's locks). SQLite: one file is used by one
//! PC (a shared file on a network drive is refused), and writes are already serialised by
//! `BEGIN IMMEDIATE`, so the lock is always granted and nothing changes.

use crate::db::{Db, Engine};
use crate::error::Result;

/// The advisory lock key of the automatic survey closing (`Store::autoclose`). Distinct from
/// the write lock (`pg::backend::WRITE_LOCK`, 7 236 200 002) and the migration lock
/// (7 236 200 001).
pub const AUTOCLOSE_LOCK: i64 = 7_236_200_010;

/// Tries to take the sweep lock `key` without waiting: true when this connection holds it now
/// (always on SQLite), false when another connection (another workstation) holds it.
/// Must be called outside a transaction; pair every `true` with [`release`].
pub fn try_acquire(db: &Db, key: i64) -> Result<bool> {
    match db.engine() {
        Engine::Sqlite => Ok(true),
        Engine::Postgres => db.query_row("SELECT pg_try_advisory_lock(?1) AS ok", [key], |r| {
            r.get::<_, bool>("ok")
        }),
    }
}

/// Releases a sweep lock taken with [`try_acquire`] (nothing on SQLite). Errors are returned,
/// but a lost connection has released it anyway.
pub fn release(db: &Db, key: i64) -> Result<()> {
    match db.engine() {
        Engine::Sqlite => Ok(()),
        Engine::Postgres => {
            db.query_row("SELECT pg_advisory_unlock(?1) AS ok", [key], |r| {
                r.get::<_, bool>("ok")
            })?;
            Ok(())
        }
    }
}
