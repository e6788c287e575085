//! Passwords and OAuth2 refresh tokens in the operating system's credential store (`keyring`):
//! Windows Credential Manager, macOS Keychain, and on Linux the kernel keyring (keyutils), which
//! works headless (CI, a container, no desktop session). Never in `mesa.db`, backups or exports.
//! When no real store works, a Spanish error: never a silent fallback to a file or to memory.
//!
//! Linux caveat: the kernel keyring lives until reboot (persistent keyring, a few days of
//! inactivity); after that the user types the password again (`SecretMissing`).

use crate::error::{MailNetError, Result};

/// The service name under which every secret of the app is stored.
pub const SERVICE: &str = "mesa-de-ayuda-ti-correo";

#[cfg(any(target_os = "linux", target_os = "windows", target_os = "macos"))]
mod backend {
    use super::*;
    use keyring::credential::CredentialPersistence;

    /// Linux: a process started outside a login session (a service, a container, CI) has no
    /// session keyring of its own and falls back to the user's default one, which it does not
    /// *possess*: keys can be added but not read back (measured in this project's CI
    /// container). Asking for the session keyring with `create` joins a new anonymous session
    /// keyring the thread possesses; keyring-rs then links the user's persistent keyring into
    /// it, where the secrets live, so another process finds them the same way. In a desktop
    /// session this just returns the existing session keyring.
    #[cfg(target_os = "linux")]
    fn possess_session_keyring() -> Result<()> {
        linux_keyutils::KeyRing::from_special_id(linux_keyutils::KeyRingIdentifier::Session, true)
            .map(|_| ())
            .map_err(|e| MailNetError::CredentialStoreUnavailable {
                detail: format!("llavero del kernel: {e:?}"),
            })
    }

    #[cfg(not(target_os = "linux"))]
    fn possess_session_keyring() -> Result<()> {
        Ok(())
    }

    fn entry(key: &str) -> Result<keyring::Entry> {
        possess_session_keyring()?;
        // A store that only keeps secrets in memory would lose them silently: refuse it.
        let persistence = keyring::default::default_credential_builder().persistence();
        if matches!(
            persistence,
            CredentialPersistence::EntryOnly | CredentialPersistence::ProcessOnly
        ) {
            return Err(MailNetError::CredentialStoreUnavailable {
                detail: "solo hay un almacén en memoria".into(),
            });
        }
        keyring::Entry::new(SERVICE, key).map_err(|e| map(key, e))
    }

    fn map(key: &str, e: keyring::Error) -> MailNetError {
        match e {
            keyring::Error::NoEntry => MailNetError::SecretMissing {
                account: key.to_string(),
            },
            keyring::Error::NoStorageAccess(err) | keyring::Error::PlatformFailure(err) => {
                MailNetError::CredentialStoreUnavailable {
                    detail: err.to_string(),
                }
            }
            other => MailNetError::CredentialStore {
                account: key.to_string(),
                detail: other.to_string(),
            },
        }
    }

    pub fn set(key: &str, secret: &str) -> Result<()> {
        entry(key)?.set_password(secret).map_err(|e| map(key, e))
    }
    pub fn get(key: &str) -> Result<String> {
        entry(key)?.get_password().map_err(|e| map(key, e))
    }
    pub fn delete(key: &str) -> Result<()> {
        match entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map(key, e)),
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
mod backend {
    use super::*;
    fn none() -> MailNetError {
        MailNetError::CredentialStoreUnavailable {
            detail: "sistema operativo sin almacén compatible".into(),
        }
    }
    pub fn set(_key: &str, _secret: &str) -> Result<()> {
        Err(none())
    }
    pub fn get(_key: &str) -> Result<String> {
        Err(none())
    }
    pub fn delete(_key: &str) -> Result<()> {
        Err(none())
    }
}

fn check_key(key: &str) -> Result<()> {
    if key.trim().is_empty() {
        return Err(MailNetError::InvalidAccount {
            field: "user",
            detail: "está vacío".into(),
        });
    }
    Ok(())
}

/// Runs `f` (a call to the OS credential store) on the process's one credential-store thread.
/// On Linux the kernel keyring is reached through a session keyring the *calling thread*
/// joins (`possess_session_keyring`), and keyring-rs links every key it reads into it: a
/// long-lived thread (the app's collector) would keep finding the copy it read first and never
/// see a password saved later from another thread. One thread for every set, get and delete
/// keeps one session keyring, where a new secret replaces the old one (measured in the app's
/// E2E `mail-settings.test.mjs`: without it, the collector kept the old password).
fn on_secrets_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    type Job = Box<dyn FnOnce() + Send>;
    static JOBS: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> =
        std::sync::OnceLock::new();
    let unavailable = || MailNetError::CredentialStoreUnavailable {
        detail: "el hilo del almacén de credenciales terminó".into(),
    };
    let jobs = JOBS.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let _ = std::thread::Builder::new()
            .name("mesa-credenciales".into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            });
        std::sync::Mutex::new(tx)
    });
    let (done, result) = std::sync::mpsc::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(f());
    });
    jobs.lock()
        .unwrap_or_else(|e| e.into_inner())
        .send(job)
        .map_err(|_| unavailable())?;
    result.recv().map_err(|_| unavailable())?
}

/// Saves (or replaces) the secret of `key` (use `MailAccount::secret_key`).
pub fn set_secret(key: &str, secret: &str) -> Result<()> {
    check_key(key)?;
    if secret.is_empty() {
        return Err(MailNetError::InvalidAccount {
            field: "password",
            detail: "está vacía".into(),
        });
    }
    let (key, secret) = (key.to_string(), secret.to_string());
    on_secrets_thread(move || backend::set(&key, &secret))
}

/// Reads the secret of `key`; `SecretMissing` when there is none.
pub fn get_secret(key: &str) -> Result<String> {
    check_key(key)?;
    let key = key.to_string();
    on_secrets_thread(move || backend::get(&key))
}

/// Deletes the secret of `key` (no error when there was none).
pub fn delete_secret(key: &str) -> Result<()> {
    check_key(key)?;
    let key = key.to_string();
    on_secrets_thread(move || backend::delete(&key))
}
