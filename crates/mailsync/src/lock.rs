//! One collector per mailbox: an exclusive lock (`File::try_lock`: `flock` on Unix,
//! `LockFileEx` on Windows) on a file next to the database, `<db>.correo-<hash>.lock`. The OS
//! releases it when the holder exits or is killed, so a crash never leaves a stale lock.
//! On a PostgreSQL server (several workstations, no database file) it is a session advisory
//! lock on its own connection, keyed by the same hash: the server releases it when that
//! connection ends, however the holder ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

use mesa_core::{CoreError, Store};

use crate::{mailbox_key, Result, SyncError};

/// Held while a collector works on a mailbox; dropping it releases the lock.
#[derive(Debug)]
pub struct CollectorLock {
    _held: Held,
    path: PathBuf,
}

#[derive(Debug)]
enum Held {
    File(#[allow(dead_code)] File),
    Server(#[allow(dead_code)] mesa_core::db::sweep::HeldLock),
}

/// FNV-1a of the mailbox key: a short, stable name whatever the address and folder contain.
fn mailbox_hash(account: &mesa_core::mail::MailAccount) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in mailbox_key(account).as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as u32
}

/// The advisory lock key of a mailbox's collector on a server: a fixed high half (apart from
/// the write, migration and sweep keys, which are below 2^33) and the mailbox hash.
fn server_key(account: &mesa_core::mail::MailAccount) -> i64 {
    (0x4d45_5341_i64 << 32) | i64::from(mailbox_hash(account))
}

impl CollectorLock {
    /// The lock file for `account` next to `store`'s database.
    pub fn path_for(store: &Store, account: &mesa_core::mail::MailAccount) -> Option<PathBuf> {
        let db = store.path()?;
        let name = format!(
            "{}.correo-{:08x}.lock",
            db.file_name()?.to_string_lossy(),
            mailbox_hash(account)
        );
        Some(db.with_file_name(name))
    }

    /// Takes the lock or fails at once with [`SyncError::Busy`] (never waits).
    pub fn acquire(store: &Store, account: &mesa_core::mail::MailAccount) -> Result<CollectorLock> {
        if let Some(target) = store.server_target() {
            let key = server_key(account);
            let place = format!("{} (candado {key})", target.display());
            return match mesa_core::db::sweep::HeldLock::try_take(target, key)? {
                Some(held) => Ok(CollectorLock {
                    _held: Held::Server(held),
                    path: PathBuf::from(place),
                }),
                None => Err(SyncError::Busy {
                    mailbox: mailbox_key(account),
                    path: place,
                }),
            };
        }
        let path = Self::path_for(store, account).ok_or_else(|| {
            SyncError::Core(CoreError::validation(
                "correo",
                "la base de datos está en memoria: no hay dónde poner el bloqueo del buzón",
            ))
        })?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| CoreError::Io {
                path: path.display().to_string(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(CollectorLock {
                _held: Held::File(file),
                path,
            }),
            Err(TryLockError::WouldBlock) => Err(SyncError::Busy {
                mailbox: mailbox_key(account),
                path: path.display().to_string(),
            }),
            Err(TryLockError::Error(source)) => Err(SyncError::Core(CoreError::Io {
                path: path.display().to_string(),
                source,
            })),
        }
    }

    /// The lock file (on a server: the server and the lock's key, for messages).
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}
