//! The background mail collector (issue 16): its own store on the same database file, started
//! with the app; every N minutes (the account's `poll_minutes`) and on «Revisar correo» it
//! fetches new mail and sends the outbox with `mesa_mailsync`, emitting `mail-progress`
//! ([`MailCheckSummary`] so far) and `mail-status` ([`MailStatus`]). One pass at a time in this
//! process (the `store` mutex); one collector per mailbox across processes is mailsync's file
//! lock (`CollectorLock`), a second one answers `mail_collector_busy`.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use mesa_core::clock::to_rfc3339_local;
use mesa_core::mail::{MailCheckSummary, MailStatus};
use mesa_core::{ApiError, Clock, Store, SystemClock};
use mesa_mailsync::SyncError;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::{api, Phase};
use crate::AppState;

/// How long the worker waits before looking again when no account is configured (saving one
/// wakes it at once).
const IDLE_RECHECK: Duration = Duration::from_secs(60);
/// With logins on and nobody logged in, the collector cannot act for anyone: it looks again
/// this often.
const LOGIN_RECHECK: Duration = Duration::from_secs(30);

#[derive(Default)]
pub(crate) struct MailWorker {
    /// The collector's own store (opened at its first pass); held for the whole pass.
    store: Mutex<Option<Store>>,
    status: Mutex<MailStatus>,
    /// Set by [`MailWorker::wake`] (account saved, message retried): the loop runs at once.
    woken: Mutex<bool>,
    wake: Condvar,
}

/// An error of a pass as the UI gets it.
pub(crate) fn sync_api(e: SyncError) -> ApiError {
    match e {
        SyncError::Core(c) => api(c),
        other => ApiError {
            code: other.code().to_string(),
            message: other.to_string(),
        },
    }
}

/// What the user must do after an error of the account authenticating with `auth`: `oauth`
/// (connect the account again: a revoked or expired authorization, or a token the server
/// refused), `oauth_connect` (an OAuth2 account saved but never authorised on this workstation:
/// no refresh token in its credential store, so nothing was revoked) or `password` (type the
/// password again); `None` when the error is not about the credentials.
pub(crate) fn reconnect_kind(code: &str, auth: &str) -> Option<&'static str> {
    let oauth = auth != "password";
    match code {
        "mail_reconnect" => Some("oauth"),
        "mail_secret_missing" if oauth => Some("oauth_connect"),
        "mail_auth_failed" if oauth => Some("oauth"),
        "mail_auth_failed" | "mail_secret_missing" => Some("password"),
        _ => None,
    }
}

impl MailWorker {
    /// Drops the collector's store (the workstation's database was reopened elsewhere): the
    /// next pass opens the one in use. Waits for a running pass.
    pub(crate) fn forget_store(&self) {
        // On a server the old store's client closes on its own runtime: not on an async worker.
        crate::state::blocking(|| {
            *self.store.lock().unwrap_or_else(|e| e.into_inner()) = None;
        });
    }

    pub(crate) fn status(&self) -> MailStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn update(&self, app: &AppHandle, f: impl FnOnce(&mut MailStatus)) {
        let snapshot = {
            let mut s = self.status.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut s);
            s.clone()
        };
        let _ = app.emit("mail-status", snapshot);
    }

    /// Makes the loop run a pass now (and re-read the account).
    pub(crate) fn wake(&self) {
        *self.woken.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.wake.notify_all();
    }

    fn sleep(&self, d: Duration) {
        let mut woken = self.woken.lock().unwrap_or_else(|e| e.into_inner());
        if !*woken {
            woken = self
                .wake
                .wait_timeout_while(woken, d, |w| !*w)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *woken = false;
    }

    /// One pass: fetch (when `fetch`) and send what is due, on the collector's own store, as
    /// the logged-in account. A `background` pass (the timer) whose session may not register
    /// cases runs as the account that configured mail (`Store::mail_collector_principal`), so a
    /// Consulta session does not stop intake; a pass the user asks for runs as the user.
    /// Updates the status and emits the events.
    pub(crate) fn pass(
        &self,
        app: &AppHandle,
        fetch: bool,
        background: bool,
    ) -> Result<MailCheckSummary, ApiError> {
        let state = app.state::<AppState>();
        state.wait_for(Phase::Checked);
        if let Some(e) = state.open_error() {
            return Err(e);
        }
        let mut guard = self.store.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(crate::commands::safety::open_workstation(
                &state.data_dir(),
                &state.default_actor,
            )?);
        }
        let Some(store) = guard.as_mut() else {
            return Err(crate::state::internal());
        };
        store.set_session(&state.actor(), None);
        store.set_principal(state.principal());
        if background
            && store
                .authorize(mesa_core::people::Permission::CaseRegister)
                .is_err()
        {
            if let Some(p) = store.mail_collector_principal().map_err(api)? {
                store.set_session(&p.login, None);
                store.set_principal(Some(p));
            }
        }
        let account = match store.mail_account().map_err(api)? {
            Some(a) if a.enabled => a,
            _ => {
                self.update(app, |s| {
                    s.configured = false;
                    s.running = false;
                });
                return Err(sync_api(SyncError::NoAccount));
            }
        };
        // Storing mail registers requests: refused before connecting when the session may
        // not (with logins on and nobody in, the collector waits for a login).
        if let Err(e) = store.authorize(mesa_core::people::Permission::CaseRegister) {
            let e = api(e);
            self.update(app, |s| {
                s.configured = true;
                s.running = false;
                s.interval_minutes = account.poll_minutes;
                s.error_code = Some(e.code.clone());
                s.error_message = Some(e.message.clone());
            });
            return Err(e);
        }
        // The database's clock (the server's on PostgreSQL), like every write of the app.
        let now = store.clock_now().map_err(api)?;
        self.update(app, |s| {
            s.configured = true;
            s.running = true;
            s.interval_minutes = account.poll_minutes;
        });
        let result = run(store, &account, fetch, now, &mut |partial| {
            let _ = app.emit("mail-progress", partial);
        });
        let finished = to_rfc3339_local(SystemClock.now());
        match &result {
            Ok(summary) => self.update(app, |s| {
                s.running = false;
                s.last_check_at = Some(finished.clone());
                s.last_ok_at = Some(finished.clone());
                s.error_code = None;
                s.error_message = None;
                s.reconnect = None;
                s.last_summary = Some(summary.clone());
            }),
            Err(e) => self.update(app, |s| {
                s.running = false;
                s.last_check_at = Some(finished.clone());
                s.error_code = Some(e.code.clone());
                s.error_message = Some(e.message.clone());
                // A banner stays until a check succeeds (a timeout in between keeps it).
                if let Some(k) = reconnect_kind(&e.code, &account.auth) {
                    s.reconnect = Some(k.to_string());
                }
            }),
        }
        if let Ok(summary) = &result {
            let _ = app.emit("mail-progress", summary);
        }
        result
    }

    /// The loop of the background collector (its own thread, for the life of the app).
    pub(crate) fn run_forever(&self, app: &AppHandle) {
        loop {
            let wait = match self.pass(app, true, true) {
                Ok(_) => self.interval(),
                Err(e) if e.code == "mail_no_account" => IDLE_RECHECK,
                Err(e) if e.code == "login_required" => LOGIN_RECHECK,
                Err(_) => self.interval(),
            };
            self.sleep(wait);
        }
    }

    fn interval(&self) -> Duration {
        let minutes = self.status().interval_minutes.clamp(1, 1440);
        Duration::from_secs(u64::try_from(minutes).unwrap_or(2) * 60)
    }
}

/// Fetch then send with mailsync, `progress` after every stored mail.
fn run(
    store: &mut Store,
    account: &mesa_core::mail::MailAccount,
    fetch: bool,
    now: chrono::DateTime<chrono::Utc>,
    progress: &mut dyn FnMut(&MailCheckSummary),
) -> Result<MailCheckSummary, ApiError> {
    // The password from the credential store, or an OAuth2 token refreshed (a revoked one is
    // remembered by the store for the banner).
    let credential = mesa_mailsync::credential(store, account, now).map_err(sync_api)?;
    let mut summary = MailCheckSummary::default();
    if fetch {
        let mut on_mail = |done: u32, remaining: usize| {
            let partial = MailCheckSummary {
                fetched: done,
                remaining: u32::try_from(remaining).unwrap_or(u32::MAX),
                ..MailCheckSummary::default()
            };
            progress(&partial);
        };
        let report = mesa_mailsync::fetch(store, account, &credential, now, &mut on_mail)
            .map_err(sync_api)?;
        summary.fetched = report.fetched;
        summary.stored = report.stored;
        summary.already_stored = report.already_stored;
        summary.ignored = report.ignored;
        summary.too_large = report.too_large;
        summary.lines.push(report.summary());
    }
    let sent = mesa_mailsync::send_pending(store, account, &credential, now).map_err(sync_api)?;
    summary.sent = sent.sent;
    summary.failed = sent.failed;
    summary.lines.extend(sent.lines.iter().cloned());
    summary.lines.push(sent.summary());
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::reconnect_kind;

    #[test]
    fn a_never_connected_oauth_account_is_asked_to_connect_not_told_it_was_revoked() {
        assert_eq!(
            reconnect_kind("mail_secret_missing", "microsoft"),
            Some("oauth_connect")
        );
        assert_eq!(reconnect_kind("mail_reconnect", "google"), Some("oauth"));
        assert_eq!(reconnect_kind("mail_auth_failed", "google"), Some("oauth"));
        assert_eq!(
            reconnect_kind("mail_secret_missing", "password"),
            Some("password")
        );
        assert_eq!(reconnect_kind("mail_timeout", "microsoft"), None);
    }
}
