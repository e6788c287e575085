//! «Conectar» an OAuth2 mail account from the app (Ajustes → Correo, and the banner «Vuelva a
//! conectar la cuenta de correo»): mesa-mailsync's flow (`OAuthFlow`, the same as
//! `mesa mail connect`) on a worker thread. The browser flow opens the system browser on the
//! authorization URL (PKCE, loopback redirect on 127.0.0.1); Microsoft's device code flow shows
//! the code and the page to visit. The refresh token goes to the OS credential store
//! (`connect_with_refresh_token`), then «Probar conexión» runs and the collector is woken (its
//! successful check takes the banner away). Every change is emitted as `mail-connect`
//! ([`MailConnectStatus`]); «Cancelar» stops the wait.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mesa_core::mail::{MailConnectStatus, MailTestReport};
use mesa_core::people::Permission;
use mesa_core::{ApiError, Clock, CoreError, SystemClock};
use mesa_mailsync::OAuthFlow;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_opener::OpenerExt;

use crate::mail_worker::{sync_api, MailWorker};
use crate::AppState;

/// How long the app waits for the user to authorize in the browser or on the device page.
const WAIT: Duration = Duration::from_secs(10 * 60);

#[derive(Default)]
pub(crate) struct MailConnector {
    status: Mutex<MailConnectStatus>,
    /// The running flow's cancel flag.
    cancel: Mutex<Option<Arc<AtomicBool>>>,
    /// Increases with every «Conectar»: a flow that was replaced does not report any more.
    generation: AtomicU64,
}

fn idle() -> MailConnectStatus {
    MailConnectStatus {
        state: "idle".into(),
        ..MailConnectStatus::default()
    }
}

impl MailConnector {
    pub(crate) fn status(&self) -> MailConnectStatus {
        let s = self
            .status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if s.state.is_empty() {
            idle()
        } else {
            s
        }
    }

    /// Updates the status of flow `generation` (ignored when a newer flow started) and emits it.
    fn update(&self, app: &AppHandle, generation: u64, f: impl FnOnce(&mut MailConnectStatus)) {
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        let snapshot = {
            let mut s = self.status.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut s);
            s.clone()
        };
        let _ = app.emit("mail-connect", snapshot);
    }

    /// «Cancelar»: stops the running wait (the status becomes `cancelled`).
    pub(crate) fn cancel(&self, app: &AppHandle) -> MailConnectStatus {
        if let Some(c) = self.cancel.lock().unwrap_or_else(|e| e.into_inner()).take() {
            c.store(true, Ordering::SeqCst);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        self.update(app, generation, |s| {
            if s.state == "waiting" {
                s.state = "cancelled".into();
                s.message = "Se canceló la conexión de la cuenta de correo.".into();
            }
        });
        self.status()
    }

    /// Starts a flow on the saved account (a running one is cancelled first) and returns its
    /// first status: `waiting`, with the URL (and the code for the device flow).
    pub(crate) fn start(
        &self,
        app: &AppHandle,
        device: bool,
    ) -> Result<MailConnectStatus, ApiError> {
        let state = app.state::<AppState>();
        state.with(|s| s.authorize(Permission::Settings))?;
        if let Some(c) = self.cancel.lock().unwrap_or_else(|e| e.into_inner()).take() {
            c.store(true, Ordering::SeqCst);
        }
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let flow = state
            .with(|s| mesa_mailsync::stored_oauth(s).map_err(CoreError::from))
            .and_then(|(net, cfg)| OAuthFlow::start(&net, cfg, device).map_err(sync_api));
        let flow = match flow {
            Ok(f) => f,
            Err(e) => {
                self.update(app, generation, |s| {
                    *s = MailConnectStatus {
                        state: "failed".into(),
                        message: e.message.clone(),
                        error_code: Some(e.code.clone()),
                        ..MailConnectStatus::default()
                    }
                });
                return Err(e);
            }
        };
        let url = flow.url().to_string();
        let opened = match flow.user_code() {
            Some(_) => false,
            // Tests play the browser themselves (they read the URL from the window).
            None if std::env::var_os("MESA_OAUTH_NO_BROWSER").is_some_and(|v| !v.is_empty()) => {
                false
            }
            None => app.opener().open_url(url.clone(), None::<&str>).is_ok(),
        };
        let message = match flow.user_code() {
            Some(code) => format!(
                "Abra {url} en cualquier equipo, escriba el código {code} e inicie sesión con {} \
                 (vence en {} min). Esperando la autorización…",
                flow.user(),
                flow.expires_in_minutes().unwrap_or(15)
            ),
            None if opened => format!(
                "Se abrió el navegador: inicie sesión con {} y acepte los permisos. Esperando la \
                 autorización…",
                flow.user()
            ),
            None => format!(
                "Abra la dirección de abajo en el navegador, inicie sesión con {} y acepte los \
                 permisos. Esperando la autorización…",
                flow.user()
            ),
        };
        let cancel = Arc::new(AtomicBool::new(false));
        *self.cancel.lock().unwrap_or_else(|e| e.into_inner()) = Some(cancel.clone());
        self.update(app, generation, |s| {
            *s = MailConnectStatus {
                state: "waiting".into(),
                message,
                url: Some(url),
                user_code: flow.user_code().map(str::to_string),
                browser_opened: opened,
                report: None,
                error_code: None,
            }
        });
        let first = self.status();
        let app = app.clone();
        std::thread::spawn(move || {
            let connector = app.state::<MailConnector>();
            connector.finish(&app, generation, &flow, &cancel);
        });
        Ok(first)
    }

    /// The worker thread: wait, store the token, «Probar conexión», wake the collector.
    fn finish(&self, app: &AppHandle, generation: u64, flow: &OAuthFlow, cancel: &AtomicBool) {
        let fail = |e: ApiError| {
            self.update(app, generation, |s| {
                s.state = "failed".into();
                s.message = e.message.clone();
                s.error_code = Some(e.code.clone());
            })
        };
        let refresh = match flow.wait(WAIT, cancel, || SystemClock.now()) {
            Ok(Some(r)) => r,
            Ok(None) => {
                self.update(app, generation, |s| {
                    s.state = "cancelled".into();
                    s.message = "Se canceló la conexión de la cuenta de correo.".into();
                });
                return;
            }
            Err(e) => return fail(sync_api(e)),
        };
        self.update(app, generation, |s| {
            s.state = "testing".into();
            s.message = "Autorización recibida; probando la conexión…".into();
        });
        let state = app.state::<AppState>();
        let now = SystemClock.now();
        let stored = state.with(|s| {
            let account = mesa_mailsync::stored_account(s)?;
            mesa_mailsync::connect_with_refresh_token(s, &account, &refresh, now)?;
            let net = mesa_mailsync::stored_net_account(s, &account)?;
            Ok(net)
        });
        let net = match stored {
            Ok(n) => n,
            Err(e) => return fail(e),
        };
        // «Probar conexión» off the store's lock (it may take the network's timeouts).
        let report = mesa_mailnet::credential_for(&net, now)
            .and_then(|c| mesa_mailnet::test_connection(&net, &c));
        let report = match report {
            Ok(r) => MailTestReport {
                imap_ok: r.imap_ok,
                smtp_ok: r.smtp_ok,
                lines: r.lines,
                codes: r.codes,
            },
            Err(e) => return fail(sync_api(e.into())),
        };
        let ok = report.imap_ok && report.smtp_ok;
        self.update(app, generation, |s| {
            s.state = if ok { "connected" } else { "failed" }.into();
            s.message = if ok {
                format!(
                    "Cuenta de correo {} conectada: el token quedó en el almacén de credenciales \
                     del sistema y la conexión IMAP y SMTP funciona.",
                    net.user
                )
            } else {
                format!(
                    "La cuenta {} quedó autorizada, pero la prueba de conexión falló.",
                    net.user
                )
            };
            s.error_code = report.codes.first().cloned();
            s.report = Some(report.clone());
        });
        // The collector's next check (now) uses the new token; its success clears the banner.
        app.state::<MailWorker>().wake();
    }
}
