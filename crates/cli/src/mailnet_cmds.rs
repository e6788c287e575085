//! `mesa mail account|test|fetch|send`: the network side of `mesa mail` (issue 16), on
//! mesa-mailsync (collector and sender) and mesa-mailnet (servers, credential store). The
//! account's non-secret settings go to the store; the password to the OS credential store.

use std::io::Read;

use clap::Subcommand;
use mesa_core::CoreError;
use mesa_mailsync::SyncError;

use crate::{print_json, Ctx};

#[derive(Subcommand)]
// Parsed once per process: the size of the `account` variant (its OAuth2 options) is no cost.
#[allow(clippy::large_enum_variant)]
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
        /// Cuenta OAuth2 (XOAUTH2) en lugar de contraseña: microsoft, google o custom. Después
        /// se conecta con «mesa mail connect».
        #[arg(long, value_name = "PROVEEDOR", conflicts_with = "password_stdin")]
        oauth: Option<String>,
        /// Identificador de cliente de la aplicación registrada por el administrador.
        #[arg(long, requires = "oauth")]
        client_id: Option<String>,
        /// Punto de token (obligatorio con custom; microsoft y google traen el suyo).
        #[arg(long, requires = "oauth", value_name = "URL")]
        token_endpoint: Option<String>,
        /// Punto de autorización en el navegador (custom).
        #[arg(long, requires = "oauth", value_name = "URL")]
        auth_endpoint: Option<String>,
        /// Punto del código de dispositivo (custom; microsoft trae el suyo).
        #[arg(long, requires = "oauth", value_name = "URL")]
        device_endpoint: Option<String>,
        /// Alcances separados por espacios (custom; microsoft y google traen los suyos).
        #[arg(long, requires = "oauth")]
        scopes: Option<String>,
        /// Inquilino (tenant) de Microsoft: GUID del directorio o dominio (por defecto
        /// organizations, cualquier cuenta de trabajo).
        #[arg(long, requires = "oauth")]
        tenant: Option<String>,
    },
    /// Conecta la cuenta OAuth2: abre el navegador del sistema (PKCE, regreso a
    /// http://127.0.0.1:PUERTO/), o con --device muestra un código para otro equipo
    /// (Microsoft). Guarda el token de actualización en el almacén de credenciales.
    Connect {
        /// Código de dispositivo en lugar del navegador (Microsoft).
        #[arg(long)]
        device: bool,
        /// No abre el navegador: solo imprime la dirección que hay que abrir.
        #[arg(long)]
        no_browser: bool,
        /// Minutos de espera de la autorización.
        #[arg(long, default_value_t = 5)]
        wait_minutes: u64,
        /// Lee un token de actualización ya obtenido de la entrada estándar (otra herramienta,
        /// pruebas); se comprueba contra el punto de token antes de guardarlo.
        #[arg(long, conflicts_with = "device")]
        refresh_token_stdin: bool,
    },
    /// Estado de la cuenta de correo: servidores, autenticación y si hay que volver a conectarla.
    Status,
    /// Prueba la conexión IMAP y SMTP de la cuenta configurada y dice en español qué falló.
    Test,
    /// Revisa el buzón (guarda cada correo nuevo y lo mueve a procesados) y envía lo pendiente.
    Fetch,
    /// Envía las notificaciones pendientes de la bandeja de salida.
    Send,
}

fn core(e: SyncError) -> CoreError {
    CoreError::from(e)
}

fn net(e: mesa_mailnet::MailNetError) -> CoreError {
    CoreError::from(SyncError::Net(e))
}

fn read_stdin(flag: &str, what: &str) -> Result<String, CoreError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|source| CoreError::Io {
            path: "entrada estándar".into(),
            source,
        })?;
    let value = text.trim_end_matches(['\r', '\n']).to_string();
    if value.is_empty() {
        return Err(CoreError::validation(
            flag,
            format!("la entrada estándar no trajo ningún {what}"),
        ));
    }
    Ok(value)
}

/// The OAuth2 application from the `--oauth …` options: mailsync's, shared with the app (a
/// provider's preset endpoints and scopes, each overridable; custom needs the token endpoint).
#[allow(clippy::too_many_arguments)]
fn oauth_from_args(
    provider: &str,
    client_id: Option<String>,
    tenant: Option<String>,
    token_endpoint: Option<String>,
    auth_endpoint: Option<String>,
    device_endpoint: Option<String>,
    scopes: Option<String>,
) -> Result<mesa_core::mail::MailOAuth, CoreError> {
    mesa_mailsync::oauth_application(
        provider,
        &client_id.unwrap_or_default(),
        tenant.as_deref(),
        mesa_mailsync::OAuthOverrides {
            auth_endpoint,
            token_endpoint,
            device_endpoint,
            scopes: scopes.map(|s| s.split_whitespace().map(str::to_string).collect()),
        },
    )
}

/// Opens `url` in the system browser (best effort: the URL is printed too).
fn open_browser(url: &str) -> bool {
    #[cfg(windows)]
    let mut c = {
        let mut c = std::process::Command::new("rundll32");
        c.args(["url.dll,FileProtocolHandler", url]);
        c
    };
    #[cfg(target_os = "macos")]
    let mut c = {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    };
    #[cfg(all(unix, not(target_os = "macos")))]
    let mut c = {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    c.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
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
    ctx: &mut Ctx,
    account: &mesa_core::mail::MailAccount,
) -> Result<mesa_mailnet::Credential, CoreError> {
    mesa_mailsync::credential(&mut ctx.store, account, ctx.now).map_err(core)
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
            oauth,
            client_id,
            token_endpoint,
            auth_endpoint,
            device_endpoint,
            scopes,
            tenant,
        } => {
            let oauth = oauth
                .map(|p| {
                    oauth_from_args(
                        &p,
                        client_id,
                        tenant,
                        token_endpoint,
                        auth_endpoint,
                        device_endpoint,
                        scopes,
                    )
                })
                .transpose()?;
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
                auth: match &oauth {
                    Some(o) => mesa_core::mail::oauth::auth_of_provider(&o.provider)
                        .unwrap_or("oauth2_custom")
                        .to_string(),
                    None => "password".to_string(),
                },
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
            let net_acc = mesa_mailsync::net_account(&account, oauth.as_ref()).map_err(core)?;
            if password_stdin {
                let password = read_stdin("--password-stdin", "contraseña")?;
                mesa_mailnet::set_secret(&net_acc.secret_key(), &password).map_err(net)?;
            }
            if let Some(o) = &oauth {
                ctx.store.set_mail_oauth(o)?;
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
                    } else if oauth.is_some() {
                        " Cuenta OAuth2: conéctela con «mesa mail connect»."
                    } else {
                        ""
                    }
                );
                Ok(())
            }
        }
        NetCmd::Test => {
            let account = mesa_mailsync::stored_account(&ctx.store).map_err(core)?;
            let net_acc = mesa_mailsync::stored_net_account(&ctx.store, &account).map_err(core)?;
            let cred = credential(ctx, &account)?;
            let report = mesa_mailnet::test_connection(&net_acc, &cred).map_err(net)?;
            if report.codes.iter().any(|c| c == "mail_reconnect") {
                let _ = ctx
                    .store
                    .mark_mail_reconnect("el servidor rechazó el token de acceso", ctx.now);
            }
            if ctx.json {
                print_json(&report)?;
            } else {
                for line in &report.lines {
                    println!("{line}");
                }
            }
            match report.codes.first() {
                None => Ok(()),
                // The first failure's own code (e.g. mail_auth_failed), with every line.
                Some(code) => {
                    let code = mesa_core::MAIL_ERROR_CODES
                        .iter()
                        .find(|c| **c == code.as_str())
                        .copied()
                        .unwrap_or("mail_network");
                    Err(CoreError::mail(code, report.lines.join(" ")))
                }
            }
        }
        NetCmd::Connect {
            device,
            no_browser,
            wait_minutes,
            refresh_token_stdin,
        } => {
            let account = mesa_mailsync::stored_account(&ctx.store).map_err(core)?;
            let net_acc = mesa_mailsync::stored_net_account(&ctx.store, &account).map_err(core)?;
            if !matches!(net_acc.auth, mesa_mailnet::Auth::OAuth2(_)) {
                return Err(CoreError::validation(
                    "cuenta de correo",
                    "usa contraseña, no OAuth2: configúrela con «mesa mail account --oauth …»",
                ));
            }
            let wait = std::time::Duration::from_secs(wait_minutes.max(1) * 60);
            let refresh = if refresh_token_stdin {
                read_stdin("--refresh-token-stdin", "token")?
            } else {
                let flow = if device {
                    mesa_mailsync::OAuthFlow::device(&ctx.store)
                } else {
                    mesa_mailsync::OAuthFlow::browser(&ctx.store)
                }
                .map_err(core)?;
                match flow.user_code() {
                    Some(code) => eprintln!(
                        "Abra {} en cualquier equipo y escriba el código {} (vence en {} min).",
                        flow.url(),
                        code,
                        flow.expires_in_minutes().unwrap_or(15)
                    ),
                    None => {
                        let opened = !no_browser && open_browser(flow.url());
                        eprintln!(
                            "{} la autorización de la cuenta {}: {}",
                            if opened {
                                "Se abrió el navegador para"
                            } else {
                                "Abra en el navegador"
                            },
                            flow.user(),
                            flow.url()
                        );
                    }
                }
                let never = std::sync::atomic::AtomicBool::new(false);
                flow.wait(wait, &never, chrono::Utc::now)
                    .map_err(core)?
                    .ok_or_else(|| CoreError::mail("mail_oauth", "Se canceló la autorización."))?
            };
            mesa_mailsync::connect_with_refresh_token(&mut ctx.store, &account, &refresh, ctx.now)
                .map_err(core)?;
            if ctx.json {
                print_json(&ctx.store.mail_oauth()?)
            } else {
                println!(
                    "Cuenta de correo {} conectada: el token de actualización quedó en el \
                     almacén de credenciales del sistema.",
                    net_acc.user
                );
                Ok(())
            }
        }
        NetCmd::Status => {
            let account = ctx.store.mail_account()?;
            let oauth = ctx.store.mail_oauth()?;
            let reconnect = ctx.store.mail_reconnect_state()?;
            if ctx.json {
                return print_json(&serde_json::json!({
                    "account": account,
                    "oauth": oauth,
                    "reconnect": reconnect,
                }));
            }
            match &account {
                None => println!("No hay una cuenta de correo configurada."),
                Some(a) => println!(
                    "Cuenta {} (IMAP {}:{}, SMTP {}:{}, {}), autenticación {}{}.",
                    a.address,
                    a.imap_host,
                    a.imap_port,
                    a.smtp_host,
                    a.smtp_port,
                    a.security,
                    a.auth,
                    if a.enabled { "" } else { ", desactivada" }
                ),
            }
            if let Some(o) = &oauth {
                println!(
                    "OAuth2 {} (cliente {}): {}.",
                    o.provider,
                    o.client_id,
                    o.connected_at
                        .as_deref()
                        .map(|t| format!("conectada el {t}"))
                        .unwrap_or_else(|| "sin conectar".into())
                );
            }
            if let Some(r) = &reconnect {
                println!("{} (desde {}: {}).", r.message, r.since, r.detail);
            }
            Ok(())
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
