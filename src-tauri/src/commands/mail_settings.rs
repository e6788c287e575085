//! Ajustes → Correo (issue 16): the account (the password goes once to the OS credential
//! store, never to the database and never back to the window), «Probar conexión», the
//! notification templates with their placeholders, the outbox with «Enviar ahora», and the
//! background collector's status and «Revisar correo» (`mail_check_now`, see `mail_worker`).

use mesa_core::mail::{
    MailAccount, MailCheckSummary, MailConnectStatus, MailOAuthForm, MailPlaceholder, MailStatus,
    MailTemplate, MailTestReport, OutboxEntry,
};
use mesa_core::people::Permission;
use mesa_core::{ApiError, Clock, SystemClock};
use mesa_mailsync::SyncError;
use tauri::Manager;

use crate::mail_connect::MailConnector;
use crate::mail_worker::{sync_api, MailWorker};
use crate::{AppState, CmdResult};

type State<'a> = tauri::State<'a, AppState>;

fn net_api(e: mesa_mailnet::MailNetError) -> ApiError {
    sync_api(SyncError::Net(e))
}

/// The configured account (no secret), or `null`.
#[tauri::command(async)]
pub fn mail_account_get(state: State<'_>) -> CmdResult<Option<MailAccount>> {
    state.read(|s| s.mail_account())
}

/// The OAuth2 fields of the account (`null` without an OAuth2 application): provider, client
/// id, Microsoft's tenant, the endpoints that differ from the provider's, whether a client
/// secret is kept in the credential store (never the secret), and when it was connected.
#[tauri::command(async)]
pub fn mail_oauth_get(state: State<'_>) -> CmdResult<Option<MailOAuthForm>> {
    let (oauth, account) = state.read(|s| Ok((s.mail_oauth()?, s.mail_account()?)))?;
    Ok(oauth.map(|o| {
        let stored_secret = account
            .as_ref()
            .and_then(|a| mesa_mailsync::net_account(a, Some(&o)).ok())
            .map(|net| mesa_mailnet::get_secret(&mesa_mailsync::client_secret_key(&net)).is_ok())
            .unwrap_or(false);
        mesa_mailsync::oauth_form(&o, stored_secret)
    }))
}

/// Saves the account. `password`, when given, goes to the OS credential store (under the
/// account's user and IMAP server) and nowhere else. An OAuth2 account (`auth` =
/// `oauth2_microsoft` / `oauth2_google`) comes with its `oauth` fields: the application is
/// saved in the database (endpoints from the provider's preset unless replaced), its client
/// secret, if any, in the credential store. Refused before anything is stored when the account
/// is not valid (e.g. no encryption towards a server that is not this computer).
#[tauri::command(async)]
pub fn mail_account_set(
    app: tauri::AppHandle,
    state: State<'_>,
    account: MailAccount,
    password: Option<String>,
    oauth: Option<MailOAuthForm>,
) -> CmdResult<MailAccount> {
    state.with(|s| s.authorize(Permission::Settings))?;
    let form = oauth.filter(|_| account.auth != "password");
    let oauth = match &form {
        Some(f) => {
            let o = mesa_mailsync::oauth_from_form(f).map_err(crate::api)?;
            if mesa_core::mail::oauth::auth_of_provider(&o.provider) != Some(account.auth.as_str())
            {
                return Err(ApiError {
                    code: "validation".into(),
                    message: format!(
                        "La autenticación «{}» no corresponde al proveedor «{}».",
                        account.auth, o.provider
                    ),
                });
            }
            Some(o)
        }
        None => state.with(|s| s.mail_oauth())?,
    };
    let net = mesa_mailsync::net_account(&account, oauth.as_ref()).map_err(sync_api)?;
    if let (Some(f), Some(o)) = (&form, &oauth) {
        state.with(|s| s.set_mail_oauth(o))?;
        if mesa_mailsync::needs_client_secret(&o.provider) && !f.client_secret.trim().is_empty() {
            mesa_mailsync::set_client_secret(&net, &f.client_secret).map_err(sync_api)?;
        }
    }
    state.with(|s| s.set_mail_account(&account))?;
    if let Some(p) = password
        .as_deref()
        .filter(|p| !p.is_empty() && account.auth == "password")
    {
        let (key, p) = (net.secret_key(), p.to_string());
        mesa_mailnet::set_secret(&key, &p).map_err(net_api)?;
    }
    app.state::<MailWorker>().wake();
    state.with(|s| s.mail_account())?.ok_or_else(|| ApiError {
        code: "validation".into(),
        message: "La cuenta de correo no quedó guardada.".into(),
    })
}

/// «Probar conexión» with the values of the form (saved or not): IMAP (connect, log in, open
/// the folder) and SMTP (connect, log in), each with its Spanish diagnosis. Without
/// `password` the one in the credential store is used.
#[tauri::command(async)]
pub fn mail_test(
    state: State<'_>,
    account: MailAccount,
    password: Option<String>,
) -> CmdResult<MailTestReport> {
    state.with(|s| s.authorize(Permission::Settings))?;
    let oauth = state.with(|s| s.mail_oauth())?;
    let mut net = mesa_mailsync::net_account(&account, oauth.as_ref()).map_err(sync_api)?;
    mesa_mailsync::load_client_secret(&mut net);
    let credential = match password.filter(|p| !p.is_empty() && account.auth == "password") {
        Some(p) => mesa_mailnet::Credential::Password(p),
        None => {
            let (net, now) = (net.clone(), SystemClock.now());
            mesa_mailnet::credential_for(&net, now).map_err(net_api)?
        }
    };
    let r = mesa_mailnet::test_connection(&net, &credential).map_err(net_api)?;
    Ok(MailTestReport {
        imap_ok: r.imap_ok,
        smtp_ok: r.smtp_ok,
        lines: r.lines,
        codes: r.codes,
    })
}

#[tauri::command(async)]
pub fn mail_templates(state: State<'_>) -> CmdResult<Vec<MailTemplate>> {
    state.read(|s| s.mail_templates())
}

#[tauri::command(async)]
pub fn mail_template_set(state: State<'_>, template: MailTemplate) -> CmdResult<()> {
    state.with(|s| s.set_mail_template(&template))
}

/// The placeholders template `kind` may use, with what each becomes.
#[tauri::command(async)]
pub fn mail_placeholders(kind: String) -> CmdResult<Vec<MailPlaceholder>> {
    mesa_core::mail::outbox::placeholders(&kind).map_err(crate::api)
}

/// The outbox, newest first: pending and failed (with the server's answer); `all` adds sent.
#[tauri::command(async)]
pub fn mail_outbox(state: State<'_>, all: bool) -> CmdResult<Vec<OutboxEntry>> {
    state.read(|s| s.outbox(all))
}

/// «Enviar ahora» / «Reintentar»: the message becomes due now and the outbox is sent.
#[tauri::command]
pub async fn mail_outbox_retry(app: tauri::AppHandle, id: i64) -> CmdResult<MailCheckSummary> {
    tauri::async_runtime::spawn_blocking(move || {
        app.state::<AppState>()
            .with_now(|s, now| s.retry_outbox(id, now))?;
        app.state::<MailWorker>().pass(&app, false, false)
    })
    .await
    .map_err(|_| crate::state::internal())?
}

/// «Conectar» (OAuth2) the saved account: `device` false opens the system browser on the
/// authorization URL (PKCE, loopback redirect); true shows Microsoft's device code. Returns at
/// once (`waiting`, with the URL and code); the rest arrives as `mail-connect` events.
#[tauri::command(async)]
pub fn mail_oauth_connect(app: tauri::AppHandle, device: bool) -> CmdResult<MailConnectStatus> {
    app.state::<MailConnector>().start(&app, device)
}

/// «Cancelar» the running «Conectar».
#[tauri::command(async)]
pub fn mail_oauth_cancel(app: tauri::AppHandle) -> CmdResult<MailConnectStatus> {
    Ok(app.state::<MailConnector>().cancel(&app))
}

/// Where «Conectar» is (also pushed as `mail-connect` events).
#[tauri::command(async)]
pub fn mail_oauth_status(app: tauri::AppHandle) -> CmdResult<MailConnectStatus> {
    Ok(app.state::<MailConnector>().status())
}

/// The background collector's state (last check, error, reconnect needed).
#[tauri::command(async)]
pub fn mail_status(app: tauri::AppHandle) -> CmdResult<MailStatus> {
    Ok(app.state::<MailWorker>().status())
}

/// «Revisar correo»: one pass now (fetch, then send), waiting for a pass already running;
/// returns what it did. The window stays responsive (a worker thread).
#[tauri::command]
pub async fn mail_check_now(app: tauri::AppHandle) -> CmdResult<MailCheckSummary> {
    tauri::async_runtime::spawn_blocking(move || app.state::<MailWorker>().pass(&app, true, false))
        .await
        .map_err(|_| crate::state::internal())?
}
