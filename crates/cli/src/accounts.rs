//! `mesa account …` and `mesa access-log`: accounts, passwords, deactivation, the access log;
//! and how every other command logs in (`--user`, `MESA_PASSWORD` or a prompt).

use std::io::Read;

use clap::Subcommand;
use mesa_core::people::accounts::AccountInput;
use mesa_core::{CoreError, Store};

use crate::{print_json, Ctx};

/// Environment variable with the password of the account a command acts as.
pub const PASSWORD_ENV: &str = "MESA_PASSWORD";

#[derive(Subcommand)]
pub enum AccountCmd {
    /// Crea una cuenta. En una base sin cuentas, la primera debe ser de administrador y no pide
    /// ingreso; desde entonces cada comando actúa como una cuenta (--user).
    New {
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        cargo: String,
        /// administrador, tecnico, auxiliar o consulta.
        #[arg(long)]
        role: String,
        /// Lee la contraseña de la nueva cuenta de la entrada estándar (sin ella, la persona la
        /// define en su primer ingreso).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Convierte un funcionario del catálogo en cuenta (define su contraseña al primer ingreso).
    FromStaff {
        name: String,
        #[arg(long)]
        login: String,
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        cargo: String,
    },
    /// Lista las cuentas.
    List,
    /// Cambia la contraseña de una cuenta (administrador) leyéndola de la entrada estándar; sin
    /// --password-stdin la borra para que la persona la defina en su próximo ingreso.
    Password {
        login: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Cambia nombre, cargo o rol de una cuenta (administrador).
    Set {
        login: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        cargo: Option<String>,
        #[arg(long)]
        role: Option<String>,
    },
    /// Desactiva una cuenta (p. ej. un contratista que se va).
    Deactivate { login: String },
    /// Reactiva una cuenta.
    Activate { login: String },
}

fn read_stdin_password() -> Result<String, CoreError> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|source| CoreError::Io {
            path: "entrada estándar".into(),
            source,
        })?;
    let p = s.lines().next().unwrap_or("").to_string();
    if p.is_empty() {
        return Err(CoreError::validation(
            "contraseña",
            "la entrada estándar está vacía",
        ));
    }
    Ok(p)
}

/// Logs the command in as `login` with `MESA_PASSWORD`, or a prompt on the terminal.
pub fn login(
    store: &mut Store,
    login: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, CoreError> {
    let Some(login) = login.filter(|l| !l.trim().is_empty()) else {
        return Err(CoreError::validation(
            "--user",
            "esta base de datos tiene cuentas: indique su usuario con --user USUARIO (o MESA_USER) y la contraseña en MESA_PASSWORD",
        ));
    };
    let password = match std::env::var(PASSWORD_ENV) {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password(format!("Contraseña de {login}: ")).map_err(|_| {
            CoreError::validation(
                "contraseña",
                "no hay terminal para pedirla: póngala en la variable MESA_PASSWORD",
            )
        })?,
    };
    match store.login(&login, &password, now) {
        Ok(p) => Ok(p.name),
        Err(CoreError::LoginFailed) => Err(CoreError::validation(
            "--user",
            format!(
                "usuario o contraseña incorrectos para «{login}» (--user, --as y MESA_USER nombran el usuario de una cuenta)"
            ),
        )),
        Err(e) => Err(e),
    }
}

pub fn account(ctx: &mut Ctx, cmd: AccountCmd) -> Result<(), CoreError> {
    let now = ctx.now;
    match cmd {
        AccountCmd::New {
            login,
            name,
            cargo,
            role,
            password_stdin,
        } => {
            let pw = if password_stdin {
                Some(read_stdin_password()?)
            } else {
                None
            };
            let a = ctx.store.create_account(
                &AccountInput {
                    login,
                    name,
                    cargo,
                    role,
                },
                pw.as_deref(),
                now,
            )?;
            if ctx.json {
                print_json(&a)
            } else {
                println!(
                    "Cuenta creada: {} ({}, {}){}",
                    a.login,
                    a.name,
                    a.role_label,
                    if a.needs_password {
                        " — definirá su contraseña en el primer ingreso"
                    } else {
                        ""
                    }
                );
                Ok(())
            }
        }
        AccountCmd::FromStaff {
            name,
            login,
            role,
            cargo,
        } => {
            let a = ctx
                .store
                .account_from_staff(&name, &login, &role, &cargo, now)?;
            if ctx.json {
                print_json(&a)
            } else {
                println!(
                    "Cuenta creada para {}: {} ({}) — definirá su contraseña en el primer ingreso",
                    a.name, a.login, a.role_label
                );
                Ok(())
            }
        }
        AccountCmd::List => {
            let list = ctx.store.list_accounts()?;
            if ctx.json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!(
                    "No hay cuentas: los ingresos están desactivados (todo se registra como «{}»).",
                    ctx.actor
                );
            }
            for a in list {
                println!(
                    "{:<16} {:<28} {:<24} {:<22} {}{}",
                    a.login,
                    a.name,
                    a.cargo,
                    a.role_label,
                    if a.active { "activa" } else { "inactiva" },
                    if a.needs_password {
                        " (sin contraseña)"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        AccountCmd::Password {
            login,
            password_stdin,
        } => {
            let pw = if password_stdin {
                Some(read_stdin_password()?)
            } else {
                None
            };
            ctx.store.reset_password(&login, pw.as_deref(), now)?;
            if ctx.json {
                print_json(&serde_json::json!({ "login": login, "password_set": pw.is_some() }))
            } else {
                match pw {
                    Some(_) => println!("Contraseña de {login} cambiada."),
                    None => println!(
                        "Contraseña de {login} borrada: la definirá en su próximo ingreso."
                    ),
                }
                Ok(())
            }
        }
        AccountCmd::Set {
            login,
            name,
            cargo,
            role,
        } => {
            let cur = ctx.store.account(&login)?;
            let a = ctx.store.update_account(
                &AccountInput {
                    login: cur.login.clone(),
                    name: name.unwrap_or(cur.name),
                    cargo: cargo.unwrap_or(cur.cargo),
                    role: role.unwrap_or_else(|| cur.role.as_str().to_string()),
                },
                now,
            )?;
            if ctx.json {
                print_json(&a)
            } else {
                println!(
                    "Cuenta {}: {} — {} — {}",
                    a.login, a.name, a.cargo, a.role_label
                );
                Ok(())
            }
        }
        AccountCmd::Deactivate { login } => set_active(ctx, &login, false),
        AccountCmd::Activate { login } => set_active(ctx, &login, true),
    }
}

fn set_active(ctx: &mut Ctx, login: &str, active: bool) -> Result<(), CoreError> {
    let a = ctx.store.set_account_active(login, active, ctx.now)?;
    if ctx.json {
        print_json(&a)
    } else {
        println!(
            "Cuenta {} {}.",
            a.login,
            if a.active {
                "reactivada"
            } else {
                "desactivada"
            }
        );
        Ok(())
    }
}

/// `mesa access-log [--limit N]`.
pub fn access_log(ctx: &Ctx, limit: i64) -> Result<(), CoreError> {
    let rows = ctx.store.access_log(limit)?;
    if ctx.json {
        return print_json(&rows);
    }
    for e in rows {
        println!(
            "{}  {:<14} {:<32} {}{}",
            e.at,
            e.login,
            e.event_label,
            e.actor,
            e.detail.map(|d| format!(" — {d}")).unwrap_or_default()
        );
    }
    Ok(())
}
