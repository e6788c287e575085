//! One collector per mailbox: an exclusive lock (`File::try_lock`: `flock` on Unix,
//! `LockFileEx` on Windows) on a file next to the database, `<db>.correo-<hash>.lock`. The OS
//! releases it when the holder exits or is killed, so a crash never leaves a stale lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

use mesa_core::{CoreError, Store};

use crate::{mailbox_key, Result, SyncError};

/// Held while a collector works on a mailbox; dropping it releases the lock.
#[derive(Debug)]
pub struct CollectorLock {
    _file: File,
    path: PathBuf,
}

impl CollectorLock {
    /// The lock file for `account` next to `store`'s database.
    pub fn path_for(store: &Store, account: &mesa_core::mail::MailAccount) -> Option<PathBuf> {
        let db = store.path()?;
        let key = mailbox_key(account);
        // FNV-1a: a short, stable name whatever the address and folder contain.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let name = format!(
            "{}.correo-{:08x}.lock",
            db.file_name()?.to_string_lossy(),
            h as u32
        );
        Some(db.with_file_name(name))
    }

    /// Takes the lock or fails at once with [`SyncError::Busy`] (never waits).
    pub fn acquire(store: &Store, account: &mesa_core::mail::MailAccount) -> Result<CollectorLock> {
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
            Ok(()) => Ok(CollectorLock { _file: file, path }),
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

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}
