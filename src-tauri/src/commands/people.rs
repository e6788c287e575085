//! Accounts and sessions (issue 14): login (also the first login, which sets the password),
//! logout and the idle lock, own password, and the administrator's account management. The
//! checks are in core; these only move the logged-in account between the writer's store and
//! the app's session.

use mesa_core::people::access::AccessEntry;
use mesa_core::people::accounts::{Account, AccountInput};
use mesa_core::people::{MatrixRow, Principal, SessionInfo};

use crate::{AppState, CmdResult};

/// The session for the UI: whether logins are on, who is logged in, what they may do.
#[tauri::command(async)]
pub fn session_info(state: tauri::State<'_, AppState>) -> CmdResult<SessionInfo> {
    let principal = state.principal();
    let default = state.default_actor.clone();
    state.read_open(move |s| {
        let mut s2 = s.session_info(&default)?;
        if let Some(p) = principal {
            s2.permissions = mesa_core::people::permissions_of(p.role);
            s2.role_label = Some(p.role.label().to_string());
            s2.actor = p.name.clone();
            s2.principal = Some(p);
        }
        // Tests shorten the idle lock (the setting's smallest value is one minute).
        if let Some(secs) = std::env::var("MESA_IDLE_LOCK_SECONDS")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|v| *v > 0)
        {
            s2.idle_lock_seconds = secs;
        }
        Ok(s2)
    })
}

/// Logs in with login and password; the account acts from then on.
#[tauri::command(async)]
pub fn login(
    state: tauri::State<'_, AppState>,
    login: String,
    password: String,
) -> CmdResult<Principal> {
    let p = state.with_now(|s, now| s.login(&login, &password, now))?;
    state.set_principal(Some(p.clone()));
    Ok(p)
}

/// First login of an account without password: sets it and logs in.
#[tauri::command(async)]
pub fn login_first_password(
    state: tauri::State<'_, AppState>,
    login: String,
    password: String,
) -> CmdResult<Principal> {
    let p = state.with_now(|s, now| s.set_first_password(&login, &password, now))?;
    state.set_principal(Some(p.clone()));
    Ok(p)
}

/// Ends the session: «Cerrar sesión» (`lock` false) or the idle lock (`lock` true).
#[tauri::command(async)]
pub fn logout(state: tauri::State<'_, AppState>, lock: bool) -> CmdResult<()> {
    let r = state.with_now(|s, now| s.logout(if lock { "lock" } else { "logout" }, now));
    state.set_principal(None);
    r
}

#[tauri::command(async)]
pub fn password_change(
    state: tauri::State<'_, AppState>,
    current: String,
    new: String,
) -> CmdResult<()> {
    state.with_now(|s, now| s.change_own_password(&current, &new, now))
}

#[tauri::command(async)]
pub fn account_list(state: tauri::State<'_, AppState>) -> CmdResult<Vec<Account>> {
    state.read(|s| s.list_accounts())
}

/// Creates an account (the first one, an administrator, logs in at once).
#[tauri::command(async)]
pub fn account_create(
    state: tauri::State<'_, AppState>,
    input: AccountInput,
    password: Option<String>,
) -> CmdResult<Account> {
    let (a, p) = state.with_now(|s, now| {
        let a = s.create_account(&input, password.as_deref(), now)?;
        Ok((a, s.principal().cloned()))
    })?;
    if state.principal().is_none() {
        state.set_principal(p);
    }
    Ok(a)
}

#[tauri::command(async)]
pub fn account_from_staff(
    state: tauri::State<'_, AppState>,
    staff: String,
    login: String,
    role: String,
    cargo: String,
) -> CmdResult<Account> {
    state.with_now(|s, now| s.account_from_staff(&staff, &login, &role, &cargo, now))
}

#[tauri::command(async)]
pub fn account_update(
    state: tauri::State<'_, AppState>,
    input: AccountInput,
) -> CmdResult<Account> {
    state.with_now(|s, now| s.update_account(&input, now))
}

#[tauri::command(async)]
pub fn account_set_active(
    state: tauri::State<'_, AppState>,
    login: String,
    active: bool,
) -> CmdResult<Account> {
    state.with_now(|s, now| s.set_account_active(&login, active, now))
}

/// An administrator sets another account's password, or clears it (set at the next login).
#[tauri::command(async)]
pub fn account_reset_password(
    state: tauri::State<'_, AppState>,
    login: String,
    password: Option<String>,
) -> CmdResult<()> {
    state.with_now(|s, now| s.reset_password(&login, password.as_deref(), now))
}

#[tauri::command(async)]
pub fn access_log(state: tauri::State<'_, AppState>, limit: i64) -> CmdResult<Vec<AccessEntry>> {
    state.read(|s| s.access_log(limit))
}

/// The permission matrix (Ajustes → Cuentas shows it).
#[tauri::command(async)]
pub fn permission_matrix() -> CmdResult<Vec<MatrixRow>> {
    Ok(mesa_core::people::matrix())
}
