//! `mesa mail …`, the store's side of e-mail (issue 16): import a `.eml` through the same path as
//! IMAP intake, the Bandeja (inbox, register, discard), the outbox and the templates. The
//! network commands (account, test, fetch, send) belong to the collector and sender.

use std::path::PathBuf;

use clap::Subcommand;
use mesa_core::mail::{MailTemplate, RegisterOverrides};
use mesa_core::CoreError;

use crate::{print_json, Ctx};

#[derive(Subcommand)]
// Parsed once per process: the size of the `account` variant (its OAuth2 options) is no cost.
#[allow(clippy::large_enum_variant)]
pub(crate) enum MailCmd {
    /// Importa un archivo .eml (o .msg de Outlook) por el mismo camino que el correo del buzón
    /// (recibido = su encabezado Date, o ahora).
    Import { file: PathBuf },
    /// Bandeja de entrada: lo que espera clasificación (--all: también registrados, descartados
    /// e ignorados).
    Inbox {
        #[arg(long)]
        all: bool,
    },
    /// Muestra el texto de un correo de la Bandeja.
    Show { id: i64 },
    /// Registra un correo de la Bandeja como caso nuevo; imprime el número del caso.
    Register {
        id: i64,
        /// Tipo de servicio.
        #[arg(long = "type")]
        service_type: Option<String>,
        /// Dependencia (si el remitente no tiene casos anteriores).
        #[arg(long)]
        dependencia: Option<String>,
        /// Nombre del solicitante (por omisión el del remitente o el de sus casos anteriores).
        #[arg(long)]
        solicitante: Option<String>,
    },
    /// Descarta un correo de la Bandeja con un motivo (queda guardado).
    Discard {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Bandeja de salida: notificaciones pendientes y fallidas (--all: también las enviadas).
    Outbox {
        #[arg(long)]
        all: bool,
    },
    /// Plantillas de las notificaciones: listar, o cambiar una (asunto, texto, activa).
    Templates {
        /// Clase de plantilla a cambiar (acuse, visita, seguimiento, resuelto,
        /// cierre_automatico, reabierto).
        kind: Option<String>,
        #[arg(long)]
        subject: Option<String>,
        /// Archivo con el texto nuevo (UTF-8).
        #[arg(long, value_name = "ARCHIVO")]
        body_file: Option<PathBuf>,
        #[arg(long, conflicts_with = "off")]
        on: bool,
        #[arg(long)]
        off: bool,
    },
    /// account, test, fetch, send: the mailbox's servers (crates/cli/src/mailnet_cmds.rs).
    #[command(flatten)]
    Net(crate::mailnet_cmds::NetCmd),
}

pub(crate) fn mail(ctx: &mut Ctx, cmd: MailCmd) -> Result<(), CoreError> {
    match cmd {
        MailCmd::Net(c) => crate::mailnet_cmds::run(ctx, c),
        MailCmd::Import { file } => {
            // An Outlook .msg goes through the same path, converted to RFC 5322 first.
            let out = ctx.store.import_mail_file(&file, ctx.now)?;
            if ctx.json {
                print_json(&out)
            } else {
                println!("{}", out.describe());
                Ok(())
            }
        }
        MailCmd::Inbox { all } => {
            let list = ctx.store.inbox(all)?;
            if ctx.json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("La Bandeja de entrada está vacía.");
            }
            for e in list {
                let when = chrono::DateTime::parse_from_rfc3339(&e.received_at)
                    .map(|d| d.format("%d/%m/%Y %H:%M").to_string())
                    .unwrap_or(e.received_at.clone());
                println!(
                    "{:>5}  {}  {:<18}  {:<30}  {}  adjuntos: {}{}",
                    e.id,
                    when,
                    mesa_core::mail::state_label(&e.state),
                    e.from,
                    e.subject,
                    e.attachments,
                    e.number
                        .as_deref()
                        .map(|n| format!("  caso {n}"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        MailCmd::Show { id } => {
            let text = ctx.store.mail_text(id)?;
            if ctx.json {
                print_json(&serde_json::json!({ "id": id, "text": text }))
            } else {
                println!("{text}");
                Ok(())
            }
        }
        MailCmd::Register {
            id,
            service_type,
            dependencia,
            solicitante,
        } => {
            let number = ctx.store.register_mail(
                id,
                &RegisterOverrides {
                    service_type,
                    department: dependencia,
                    requester: solicitante,
                    ..Default::default()
                },
                &ctx.actor,
                ctx.now,
            )?;
            if ctx.json {
                print_json(&serde_json::json!({ "id": id, "number": number }))
            } else {
                println!("{number}");
                Ok(())
            }
        }
        MailCmd::Discard { id, reason } => {
            ctx.store.discard_mail(id, &reason, &ctx.actor, ctx.now)?;
            if ctx.json {
                print_json(&serde_json::json!({ "id": id, "state": "descartado" }))
            } else {
                println!("Correo {id} descartado.");
                Ok(())
            }
        }
        MailCmd::Outbox { all } => {
            let list = ctx.store.outbox(all)?;
            if ctx.json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("No hay notificaciones en la bandeja de salida.");
            }
            for o in list {
                println!(
                    "{:>5}  {:<10}  {:<18}  {}  {}  intentos: {}{}",
                    o.id,
                    o.state,
                    o.kind,
                    o.to,
                    o.subject,
                    o.attempts,
                    o.last_reply
                        .as_deref()
                        .map(|r| format!("  servidor: {r}"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        MailCmd::Templates {
            kind,
            subject,
            body_file,
            on,
            off,
        } => {
            if let Some(kind) = kind {
                let current = ctx
                    .store
                    .mail_templates()?
                    .into_iter()
                    .find(|t| t.kind == kind)
                    .ok_or_else(|| {
                        CoreError::validation("plantilla", format!("«{kind}» no es una plantilla"))
                    })?;
                let body = match body_file {
                    Some(p) => std::fs::read_to_string(&p).map_err(|source| CoreError::Io {
                        path: mesa_core::files::shown(&p),
                        source,
                    })?,
                    None => current.body.clone(),
                };
                let t = MailTemplate {
                    kind,
                    subject: subject.unwrap_or(current.subject),
                    body,
                    enabled: if on {
                        true
                    } else if off {
                        false
                    } else {
                        current.enabled
                    },
                };
                ctx.store.set_mail_template(&t)?;
            }
            let list = ctx.store.mail_templates()?;
            if ctx.json {
                return print_json(&list);
            }
            for t in list {
                println!(
                    "{:<18} {:<10} {}",
                    t.kind,
                    if t.enabled { "activa" } else { "apagada" },
                    t.subject
                );
            }
            Ok(())
        }
    }
}
