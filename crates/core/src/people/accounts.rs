//! Accounts: create, list, change, deactivate, passwords (Argon2id) and login with an increasing
//! delay after failed attempts. Every change is recorded in the access log ([`super::access`]).

use crate::db::{params, OptionalExt, Row};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::access::log_access;
use super::{Permission, Principal, Role};
use crate::clock::{from_db, to_db};
use crate::error::{CoreError, Result};
use crate::text::clean;
use crate::Store;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Failed logins in a row allowed before each new attempt must wait.
pub const FREE_FAILURES: i64 = 3;

/// An account as lists and the UI show it (never the hash).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Account {
    pub login: String,
    pub name: String,
    pub cargo: String,
    pub role: Role,
    pub role_label: String,
    pub active: bool,
    /// No password yet: the person sets it at the first login.
    pub needs_password: bool,
    pub failed_logins: i64,
    pub last_login_at: Option<String>,
    pub created_at: String,
}

/// A new account, or the fields of one being changed.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct AccountInput {
    pub login: String,
    pub name: String,
    #[serde(default)]
    pub cargo: String,
    pub role: String,
}

/// The delay an attempt must wait after `failures` failed logins in a row: none for the first
/// [`FREE_FAILURES`], then 5 s doubling each time, at most 15 minutes.
pub fn login_delay(failures: i64) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let exp = (failures - FREE_FAILURES).min(8) as u32;
    Duration::seconds((5_i64 << exp).min(900))
}

/// The Argon2id hash (PHC string, random salt) of `password`, with the crate's defaults
/// (19 MiB, 2 passes, 1 lane: OWASP's recommended minimum for Argon2id).
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::validation("contraseña", format!("no se pudo cifrar: {e}")))
}

/// Whether `password` matches the stored PHC `hash` (false for a damaged hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn check_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(CoreError::validation(
            "contraseña",
            format!("debe tener al menos {MIN_PASSWORD_CHARS} caracteres"),
        ));
    }
    if password.trim().is_empty() {
        return Err(CoreError::validation(
            "contraseña",
            "no puede ser solo espacios",
        ));
    }
    Ok(())
}

fn check_login(login: &str) -> Result<String> {
    let l = login.trim().to_lowercase();
    if l.is_empty() {
        return Err(CoreError::validation("usuario", "es obligatorio"));
    }
    if l.len() > 40
        || !l
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(CoreError::validation(
            "usuario",
            format!(
                "«{login}»: use letras sin tilde, números, punto, guion o guion bajo (hasta 40)"
            ),
        ));
    }
    Ok(l)
}

const SELECT: &str = "SELECT login, name, cargo, role, password_hash, active, failed_logins,
    last_failed_at, last_login_at, created_at FROM accounts";

struct Stored {
    account: Account,
    hash: Option<String>,
    last_failed_at: Option<String>,
}

fn stored(r: &Row<'_>) -> crate::error::Result<Stored> {
    let role: String = r.get("role")?;
    let role = Role::parse(&role).unwrap_or(Role::Consulta);
    let hash: Option<String> = r.get("password_hash")?;
    Ok(Stored {
        account: Account {
            login: r.get("login")?,
            name: r.get("name")?,
            cargo: r.get("cargo")?,
            role,
            role_label: role.label().to_string(),
            active: r.get::<_, i64>("active")? == 1,
            needs_password: hash.is_none(),
            failed_logins: r.get("failed_logins")?,
            last_login_at: r.get("last_login_at")?,
            created_at: r.get("created_at")?,
        },
        hash,
        last_failed_at: r.get("last_failed_at")?,
    })
}

fn principal_of(a: &Account) -> Principal {
    Principal {
        login: a.login.clone(),
        name: a.name.clone(),
        cargo: a.cargo.clone(),
        role: a.role,
    }
}

/// The staff level and catalog role an account's person gets (so cases can be assigned to them).
fn staff_role(role: Role) -> Option<(&'static str, i64)> {
    match role {
        Role::Administrador => Some(("ingeniero", 2)),
        Role::Tecnico | Role::Auxiliar => Some(("tecnico", 1)),
        Role::Consulta => None,
    }
}

impl Store {
    fn stored_account(&self, login: &str) -> Result<Option<Stored>> {
        self.conn
            .query_row(
                &format!("{SELECT} WHERE login = ?1 COLLATE NOCASE"),
                [login.trim()],
                stored,
            )
            .optional()
    }

    fn existing_account(&self, login: &str) -> Result<Stored> {
        self.stored_account(login)?.ok_or_else(|| {
            CoreError::validation("usuario", format!("no existe la cuenta «{}»", login.trim()))
        })
    }

    /// Every account, active first, by name.
    pub fn list_accounts(&self) -> Result<Vec<Account>> {
        let mut st = self
            .conn
            .prepare(&format!("{SELECT} ORDER BY active DESC, name"))?;
        let rows = st.query_map([], stored)?;
        rows.map(|r| r.map(|s| s.account))
            .collect::<crate::error::Result<_>>()
    }

    /// One account.
    pub fn account(&self, login: &str) -> Result<Account> {
        Ok(self.existing_account(login)?.account)
    }

    /// The cargo of the account named `name` (for signature blocks), if there is one.
    pub fn cargo_of(&self, name: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT cargo FROM accounts WHERE name = ?1 COLLATE NOCASE AND cargo <> ''",
                [name.trim()],
                |r| r.get("cargo"),
            )
            .optional()
    }

    fn active_count(&self, role: Option<Role>) -> Result<i64> {
        Ok(match role {
            Some(r) => self.conn.query_row(
                "SELECT count(*) FROM accounts WHERE active = 1 AND role = ?1",
                [r.as_str()],
                |r| r.get(0),
            )?,
            None => {
                self.conn
                    .query_row("SELECT count(*) FROM accounts WHERE active = 1", [], |r| {
                        r.get(0)
                    })?
            }
        })
    }

    /// Creates an account. On a database with no account the first one needs no login and must
    /// be an administrator (it turns logins on, and the store is then logged in as it); later
    /// ones need [`Permission::Accounts`]. `password` None: set at the first login. The person
    /// joins the staff catalog (so cases can be assigned to them) unless already there or the
    /// role is consulta.
    pub fn create_account(
        &mut self,
        input: &AccountInput,
        password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Account> {
        let first = !self.accounts_enabled()?;
        let role = Role::parse(&input.role)?;
        if first && role != Role::Administrador {
            return Err(CoreError::validation(
                "rol",
                "la primera cuenta debe ser de administrador",
            ));
        }
        if !first {
            self.authorize(Permission::Accounts)?;
        }
        let login = check_login(&input.login)?;
        let name = clean(&input.name);
        if name.is_empty() {
            return Err(CoreError::validation("nombre", "es obligatorio"));
        }
        let cargo = clean(&input.cargo);
        let hash = match password {
            Some(p) => {
                check_new_password(p)?;
                Some(hash_password(p)?)
            }
            None => None,
        };
        if self.stored_account(&login)?.is_some() {
            return Err(CoreError::validation(
                "usuario",
                format!("ya existe la cuenta «{login}»"),
            ));
        }
        let actor = self
            .principal
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| name.clone());
        self.write(&actor, now, |tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM accounts WHERE name = ?1 COLLATE NOCASE)",
                [&name],
                |r| r.get(0),
            )?;
            if taken {
                return Err(CoreError::validation(
                    "nombre",
                    format!("ya hay una cuenta a nombre de «{name}»"),
                ));
            }
            tx.execute(
                "INSERT INTO accounts(login, name, cargo, role, password_hash, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![login, name, cargo, role.as_str(), hash, to_db(now), actor],
            )?;
            if let Some((staff_role, level)) = staff_role(role) {
                tx.execute(
                    "INSERT INTO staff(name, role, level) VALUES (?1, ?2, ?3)
                     ON CONFLICT(name) DO UPDATE SET active = 1",
                    params![name, staff_role, level],
                )?;
            }
            log_access(
                tx,
                now,
                &login,
                "created",
                &actor,
                Some(&format!("rol {}", role.label())),
            )
        })?;
        let account = self.account(&login)?;
        if first {
            self.set_principal(Some(principal_of(&account)));
        }
        Ok(account)
    }

    /// Turns an existing staff entry into an account (the person sets a password at the first
    /// login).
    pub fn account_from_staff(
        &mut self,
        staff_name: &str,
        login: &str,
        role: &str,
        cargo: &str,
        now: DateTime<Utc>,
    ) -> Result<Account> {
        let name: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM staff WHERE name = ?1 COLLATE NOCASE",
                [staff_name.trim()],
                |r| r.get("name"),
            )
            .optional()?;
        let name = name.ok_or_else(|| {
            CoreError::validation(
                "personal",
                format!("«{}» no está en el catálogo de personal", staff_name.trim()),
            )
        })?;
        self.create_account(
            &AccountInput {
                login: login.into(),
                name,
                cargo: cargo.into(),
                role: role.into(),
            },
            None,
            now,
        )
    }

    /// Changes an account's name, cargo or role (administrator). The last active administrator
    /// keeps the role.
    pub fn update_account(&mut self, input: &AccountInput, now: DateTime<Utc>) -> Result<Account> {
        self.authorize(Permission::Accounts)?;
        let cur = self.existing_account(&input.login)?.account;
        let role = Role::parse(&input.role)?;
        let name = clean(&input.name);
        if name.is_empty() {
            return Err(CoreError::validation("nombre", "es obligatorio"));
        }
        if cur.role == Role::Administrador
            && role != Role::Administrador
            && cur.active
            && self.active_count(Some(Role::Administrador))? <= 1
        {
            return Err(CoreError::validation(
                "rol",
                "es el único administrador activo; cree otro antes de cambiarle el rol",
            ));
        }
        let cargo = clean(&input.cargo);
        let actor = self.actor_name(&cur.name);
        self.write(&actor, now, |tx| {
            tx.execute(
                "UPDATE accounts SET name = ?2, cargo = ?3, role = ?4 WHERE login = ?1",
                params![cur.login, name, cargo, role.as_str()],
            )?;
            let mut changes = vec![];
            if cur.name != name {
                changes.push(format!("nombre {} → {name}", cur.name));
                tx.execute(
                    "UPDATE staff SET name = ?2 WHERE name = ?1 COLLATE NOCASE",
                    params![cur.name, name],
                )?;
            }
            if cur.cargo != cargo {
                changes.push(format!("cargo «{}» → «{cargo}»", cur.cargo));
            }
            if cur.role != role {
                changes.push(format!("rol {} → {}", cur.role.label(), role.label()));
            }
            log_access(
                tx,
                now,
                &cur.login,
                "changed",
                &actor,
                Some(&changes.join("; ")),
            )
        })?;
        self.account(&cur.login)
    }

    /// Deactivates (contractors leave) or reactivates an account (administrator). Nobody
    /// deactivates the last active administrator, nor themselves.
    pub fn set_account_active(
        &mut self,
        login: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<Account> {
        self.authorize(Permission::Accounts)?;
        let cur = self.existing_account(login)?.account;
        if !active {
            if self
                .principal
                .as_ref()
                .is_some_and(|p| p.login.eq_ignore_ascii_case(&cur.login))
            {
                return Err(CoreError::validation(
                    "cuenta",
                    "no puede desactivar su propia cuenta",
                ));
            }
            if cur.role == Role::Administrador
                && cur.active
                && self.active_count(Some(Role::Administrador))? <= 1
            {
                return Err(CoreError::validation(
                    "cuenta",
                    "es el único administrador activo; cree otro antes de desactivarla",
                ));
            }
        }
        let actor = self.actor_name(&cur.name);
        self.write(&actor, now, |tx| {
            tx.execute(
                "UPDATE accounts SET active = ?2, failed_logins = 0 WHERE login = ?1",
                params![cur.login, active as i64],
            )?;
            if !active {
                tx.execute(
                    "UPDATE staff SET active = 0 WHERE name = ?1 COLLATE NOCASE",
                    [&cur.name],
                )?;
            }
            log_access(
                tx,
                now,
                &cur.login,
                if active { "activated" } else { "deactivated" },
                &actor,
                None,
            )
        })?;
        self.account(&cur.login)
    }

    /// An administrator sets another account's password (`Some`), or clears it so the person
    /// sets a new one at the next login (`None`). Also lifts a lockout.
    pub fn reset_password(
        &mut self,
        login: &str,
        password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let first = !self.accounts_enabled()?;
        if !first {
            self.authorize(Permission::Accounts)?;
        }
        let cur = self.existing_account(login)?.account;
        let hash = match password {
            Some(p) => {
                check_new_password(p)?;
                Some(hash_password(p)?)
            }
            None => None,
        };
        let actor = self.actor_name(&cur.name);
        self.write(&actor, now, |tx| {
            tx.execute(
                "UPDATE accounts SET password_hash = ?2, failed_logins = 0, last_failed_at = NULL
                 WHERE login = ?1",
                params![cur.login, hash],
            )?;
            log_access(
                tx,
                now,
                &cur.login,
                "reset",
                &actor,
                Some(if password.is_some() {
                    "contraseña asignada por un administrador"
                } else {
                    "la definirá en su próximo ingreso"
                }),
            )
        })
    }

    /// The logged-in person changes their own password (the current one is checked).
    pub fn change_own_password(
        &mut self,
        current: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let p = self.principal.clone().ok_or(CoreError::LoginRequired)?;
        let s = self.existing_account(&p.login)?;
        if !s
            .hash
            .as_deref()
            .is_some_and(|h| verify_password(current, h))
        {
            return Err(CoreError::validation(
                "contraseña actual",
                "no coincide con la registrada",
            ));
        }
        check_new_password(new)?;
        self.store_password(&p.login, new, &p.name, now)
    }

    /// Sets the password of an account that has none yet (first login) and logs in with it.
    pub fn set_first_password(
        &mut self,
        login: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<Principal> {
        let s = self.existing_account(login)?;
        if !s.account.active {
            return Err(CoreError::AccountInactive(s.account.login));
        }
        if s.hash.is_some() {
            return Err(CoreError::validation(
                "contraseña",
                "esta cuenta ya tiene contraseña; ingrese con ella",
            ));
        }
        check_new_password(new)?;
        self.store_password(&s.account.login, new, &s.account.name, now)?;
        self.login(login, new, now)
    }

    fn store_password(
        &mut self,
        login: &str,
        new: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let hash = hash_password(new)?;
        self.write(actor, now, |tx| {
            tx.execute(
                "UPDATE accounts SET password_hash = ?2 WHERE login = ?1",
                params![login, hash],
            )?;
            log_access(tx, now, login, "password", actor, None)
        })
    }

    /// Logs in: checks the account, the delay after failed attempts and the password. A failure
    /// is recorded and counted; success resets the count, is recorded, and makes the account the
    /// store's [`Principal`] (actor of every write from then on).
    pub fn login(&mut self, login: &str, password: &str, now: DateTime<Utc>) -> Result<Principal> {
        let Some(s) = self.stored_account(login)? else {
            let l = login.trim().to_lowercase();
            self.write(&l, now, |tx| {
                log_access(tx, now, &l, "failed", &l, Some("cuenta inexistente"))
            })?;
            return Err(CoreError::LoginFailed);
        };
        let a = &s.account;
        if !a.active {
            self.write(&a.name, now, |tx| {
                log_access(
                    tx,
                    now,
                    &a.login,
                    "refused",
                    &a.name,
                    Some("cuenta inactiva"),
                )
            })?;
            return Err(CoreError::AccountInactive(a.login.clone()));
        }
        if let Some(last) = s.last_failed_at.as_deref().and_then(|t| from_db(t).ok()) {
            let until = last + login_delay(a.failed_logins);
            if now < until {
                let wait = (until - now).num_seconds().max(1);
                self.write(&a.name, now, |tx| {
                    log_access(
                        tx,
                        now,
                        &a.login,
                        "refused",
                        &a.name,
                        Some(&format!(
                            "en espera tras {} intentos fallidos",
                            a.failed_logins
                        )),
                    )
                })?;
                return Err(CoreError::LoginDelayed { seconds: wait });
            }
        }
        let Some(hash) = s.hash.as_deref() else {
            return Err(CoreError::PasswordNotSet(a.login.clone()));
        };
        if !verify_password(password, hash) {
            let failures = a.failed_logins + 1;
            self.write(&a.name, now, |tx| {
                tx.execute(
                    "UPDATE accounts SET failed_logins = ?2, last_failed_at = ?3 WHERE login = ?1",
                    params![a.login, failures, to_db(now)],
                )?;
                log_access(
                    tx,
                    now,
                    &a.login,
                    "failed",
                    &a.name,
                    Some(&format!("intento fallido n.º {failures}")),
                )
            })?;
            return Err(CoreError::LoginFailed);
        }
        self.write(&a.name, now, |tx| {
            tx.execute(
                "UPDATE accounts SET failed_logins = 0, last_failed_at = NULL, last_login_at = ?2
                 WHERE login = ?1",
                params![a.login, to_db(now)],
            )?;
            log_access(tx, now, &a.login, "login", &a.name, None)
        })?;
        let p = principal_of(a);
        self.set_principal(Some(p.clone()));
        Ok(p)
    }

    /// Ends the session (`event`: "logout", or "lock" when the screen locked for inactivity).
    pub fn logout(&mut self, event: &str, now: DateTime<Utc>) -> Result<()> {
        let Some(p) = self.principal.take() else {
            return Ok(());
        };
        let event = if event == "lock" { "lock" } else { "logout" };
        self.write(&p.name, now, |tx| {
            log_access(tx, now, &p.login, event, &p.name, None)
        })
    }

    /// The name a write of an account change carries: the logged-in person, else `fallback`.
    fn actor_name(&self, fallback: &str) -> String {
        self.principal
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| fallback.to_string())
    }

    /// Sets the minutes of inactivity before the app locks (administrator).
    pub fn set_idle_lock_minutes(&mut self, minutes: i64) -> Result<()> {
        self.authorize(Permission::Settings)?;
        if !(1..=480).contains(&minutes) {
            return Err(CoreError::validation(
                "bloqueo por inactividad",
                "entre 1 y 480 minutos",
            ));
        }
        self.set_setting("idle_lock_minutes", &minutes.to_string())
    }

    /// Whether `now` is too soon after failures, for tests and messages.
    pub fn failed_logins(&self, login: &str) -> Result<i64> {
        Ok(self.existing_account(login)?.account.failed_logins)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        let h = hash_password("clave-segura-1").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("clave-segura-1", &h));
        assert!(!verify_password("clave-segura-2", &h));
        assert!(!verify_password("clave-segura-1", "no es un hash"));
        // A random salt: two hashes of the same password differ.
        assert_ne!(h, hash_password("clave-segura-1").unwrap());
    }

    #[test]
    fn delay_grows_after_three_failures_and_is_capped() {
        assert_eq!(login_delay(0), Duration::zero());
        assert_eq!(login_delay(2), Duration::zero());
        assert_eq!(login_delay(3), Duration::seconds(5));
        assert_eq!(login_delay(4), Duration::seconds(10));
        assert_eq!(login_delay(5), Duration::seconds(20));
        assert_eq!(login_delay(50), Duration::seconds(900));
    }

    #[test]
    fn logins_are_plain_ascii() {
        assert_eq!(check_login(" JPerez ").unwrap(), "jperez");
        assert!(check_login("josé").is_err());
        assert!(check_login("").is_err());
    }
}
