//! `mesa mail account|test|fetch|send`: the network side of `mesa mail` (issue 16), on
//! mesa-mailsync (collector and sender) and mesa-mailnet (servers, credential store). The
//! account's non-secret settings go to the store; the password to the OS credential store.

use std::io::Read;

use clap::Subcommand;
use mesa_core::CoreError;
use mesa_mailsync::SyncError;

use crate::{print_json, Ctx};

#[derive(Subcommand)]
pub(crate) enum NetCmd {
    /// Configura la cuenta del buzón: servidores, seguridad, usuario y carpeta; la contraseña
    /// va al almacén de credenciales del sistema (nunca a la base de datos).
    Account {
        /// Servidor IMAP como HOST:PUERTO.
        #[arg(long, value_name = "HOST:PUERTO")]
        imap: String,
        /// Servidor SMTP como HOST:PUERTO.
        #[arg(long, value_name = "HOST:PUERTO")]
        smtp: String,
        /// tls, starttls o none (none solo para servidores en esta misma máquina).
        #[arg(long)]
        security: String,
        /// Dirección del buzón (también el usuario de ingreso).
        #[arg(long)]
        user: String,
        /// Carpeta que se revisa.
        #[arg(long, default_value = "INBOX")]
        folder: String,
        /// Carpeta a la que se mueven los correos procesados.
        #[arg(long, value_name = "CARPETA")]
        processed_folder: Option<String>,
        /// Tamaño máximo en MB de un correo que se descarga.
        #[arg(long, value_name = "MB")]
        max_mb: Option<i64>,
        /// Registrar automáticamente las solicitudes como casos.
        #[arg(long)]
        auto_register: Option<bool>,
        /// Lee la contraseña (o contraseña de aplicación) de la entrada estándar.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Prueba la conexión IMAP y SMTP de la cuenta configurada y dice en español qué falló.
    Test,
    /// Revisa el buzón (guarda cada correo nuevo y lo mueve a procesados) y envía lo pendiente.
    Fetch,
    /// Envía las notificaciones pendientes de la bandeja de salida.
    Send,
}

fn core(e: SyncError) -> CoreError {
    match e {
        SyncError::Core(c) => c,
        other => CoreError::validation(&format!("correo ({})", other.code()), other.to_string()),
    }
}

fn host_port(field: &str, text: &str) -> Result<(String, u16), CoreError> {
    let bad = || {
        CoreError::validation(
            field,
            format!("«{text}» no tiene la forma HOST:PUERTO (por ejemplo imap.entidad.gov.co:993)"),
        )
    };
    let (host, port) = text.trim().rsplit_once(':').ok_or_else(bad)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port: u16 = port.parse().map_err(|_| bad())?;
    if host.is_empty() || port == 0 {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

fn credential(
    ctx: &Ctx,
    account: &mesa_core::mail::MailAccount,
) -> Result<mesa_mailnet::Credential, CoreError> {
    let net = mesa_mailsync::net_account(account).map_err(core)?;
    mesa_mailnet::credential_for(&net, ctx.now).map_err(|e| core(SyncError::Net(e)))
}

pub(crate) fn run(ctx: &mut Ctx, cmd: NetCmd) -> Result<(), CoreError> {
    match cmd {
        NetCmd::Account {
            imap,
            smtp,
            security,
            user,
            folder,
            processed_folder,
            max_mb,
            auto_register,
            password_stdin,
        } => {
            let (imap_host, imap_port) = host_port("--imap", &imap)?;
            let (smtp_host, smtp_port) = host_port("--smtp", &smtp)?;
            let previous = ctx.store.mail_account()?;
            let keep = |f: fn(&mesa_core::mail::MailAccount) -> String, default: &str| {
                previous
                    .as_ref()
                    .map(f)
                    .unwrap_or_else(|| default.to_string())
            };
            let account = mesa_core::mail::MailAccount {
                address: user.trim().to_string(),
                display_name: keep(|a| a.display_name.clone(), "Mesa de Ayuda TI"),
                imap_host,
                imap_port,
                smtp_host,
                smtp_port,
                security: security.trim().to_lowercase(),
                auth: "password".to_string(),
                username: user.trim().to_string(),
                folder,
                processed_folder: processed_folder.unwrap_or_else(|| {
                    keep(|a| a.processed_folder.clone(), "Mesa de ayuda/Procesados")
                }),
                poll_minutes: previous.as_ref().map(|a| a.poll_minutes).unwrap_or(2),
                max_mb: max_mb.or(previous.as_ref().map(|a| a.max_mb)).unwrap_or(25),
                auto_register: auto_register
                    .or(previous.as_ref().map(|a| a.auto_register))
                    .unwrap_or(false),
                enabled: true,
            };
            if account.max_mb < 1 {
                return Err(CoreError::validation("--max-mb", "debe ser al menos 1 MB"));
            }
            // Refuses no encryption towards a remote host before anything is saved.
            let net = mesa_mailsync::net_account(&account).map_err(core)?;
            if password_stdin {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|source| CoreError::Io {
                        path: "entrada estándar".into(),
                        source,
                    })?;
                let password = text.trim_end_matches(['\r', '\n']);
                if password.is_empty() {
                    return Err(CoreError::validation(
                        "--password-stdin",
                        "la entrada estándar no trajo ninguna contraseña",
                    ));
                }
                mesa_mailnet::set_secret(&net.secret_key(), password)
                    .map_err(|e| core(SyncError::Net(e)))?;
            }
            ctx.store.set_mail_account(&account)?;
            if ctx.json {
                print_json(&account)
            } else {
                println!(
                    "Cuenta de correo guardada: {} (IMAP {}:{}, SMTP {}:{}, {}), carpeta «{}», \
                     procesados en «{}».{}",
                    account.address,
                    account.imap_host,
                    account.imap_port,
                    account.smtp_host,
                    account.smtp_port,
                    account.security,
                    account.folder,
                    account.processed_folder,
                    if password_stdin {
                        " Contraseña guardada en el almacén de credenciales del sistema."
                    } else {
                        ""
                    }
                );
                Ok(())
            }
        }
        NetCmd::Test => {
            let account = mesa_mailsync::stored_account(&ctx.store).map_err(core)?;
            let net = mesa_mailsync::net_account(&account).map_err(core)?;
            let cred = credential(ctx, &account)?;
            let report =
                mesa_mailnet::test_connection(&net, &cred).map_err(|e| core(SyncError::Net(e)))?;
            if ctx.json {
                print_json(&report)?;
            } else {
                for line in &report.lines {
                    println!("{line}");
                }
            }
            if report.ok() {
                Ok(())
            } else {
                Err(CoreError::validation(
                    "correo",
                    format!("la prueba de conexión falló ({})", report.codes.join(", ")),
                ))
            }
        }
        NetCmd::Fetch => {
            let account = mesa_mailsync::stored_account(&ctx.store).map_err(core)?;
            let cred = credential(ctx, &account)?;
            let json = ctx.json;
            let mut progress = |done: u32, remaining: usize| {
                if !json && done.is_multiple_of(100) {
                    eprintln!("… {done} correo(s) procesado(s), {remaining} por leer");
                }
            };
            let fetched =
                mesa_mailsync::fetch(&mut ctx.store, &account, &cred, ctx.now, &mut progress)
                    .map_err(core)?;
            let sent = mesa_mailsync::send_pending(&mut ctx.store, &account, &cred, ctx.now)
                .map_err(core)?;
            if ctx.json {
                print_json(&serde_json::json!({ "fetch": fetched, "send": sent }))
            } else {
                println!("{}", fetched.summary());
                println!("{}", sent.summary());
                Ok(())
            }
        }
        NetCmd::Send => {
            let account = mesa_mailsync::stored_account(&ctx.store).map_err(core)?;
            let cred = credential(ctx, &account)?;
            let sent = mesa_mailsync::send_pending(&mut ctx.store, &account, &cred, ctx.now)
                .map_err(core)?;
            if ctx.json {
                print_json(&sent)
            } else {
                for line in &sent.lines {
                    println!("{line}");
                }
                println!("{}", sent.summary());
                Ok(())
            }
        }
    }
}
