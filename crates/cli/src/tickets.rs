//! `mesa ticket …`: register, list, show and act on cases; the list filters shared with
//! `mesa export`.

use crate::attachments::AttachOp;
use clap::{Args, Subcommand};
use mesa_core::{CoreError, NewTicket, TicketAction, TicketQuery, TicketStatus};

use crate::{print_json, Ctx};

#[derive(Args)]
pub(crate) struct NewArgs {
    #[arg(long)]
    requester: String,
    #[arg(long)]
    department: String,
    #[arg(long)]
    description: String,
    #[arg(long = "type")]
    service_type: Option<String>,
    #[arg(long)]
    received_at: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    location: Option<String>,
    #[arg(long)]
    channel: Option<String>,
    #[arg(long)]
    origin: Option<String>,
    #[arg(long)]
    asset: Option<String>,
    #[arg(long)]
    urgency: Option<i64>,
    #[arg(long)]
    impact: Option<i64>,
}

/// The case list's filters, shared by `mesa ticket list` and `mesa export cases`.
#[derive(Args)]
pub struct CaseFilters {
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    search: Option<String>,
    #[arg(long = "type")]
    service_type: Option<String>,
    #[arg(long)]
    department: Option<String>,
    #[arg(long)]
    assignee: Option<String>,
    #[arg(long)]
    level: Option<i64>,
    #[arg(long)]
    overdue: bool,
    /// Solo casos abiertos (nuevo, asignado, en proceso, en espera).
    #[arg(long)]
    open: bool,
    /// Solo casos que vencen hoy (aún no vencidos).
    #[arg(long)]
    due_today: bool,
    /// Recibidos desde (AAAA-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Recibidos hasta (AAAA-MM-DD), incluido.
    #[arg(long)]
    to: Option<String>,
}

impl CaseFilters {
    /// The query these filters make (first page, default order).
    pub fn query(self) -> Result<TicketQuery, CoreError> {
        let status = match self.status {
            Some(s) => Some(TicketStatus::parse(&s).ok_or_else(|| {
                CoreError::validation(
                    "--status",
                    format!("«{s}» no es un estado; use new, assigned, in_progress, on_hold, resolved, closed o cancelled"),
                )
            })?),
            None => None,
        };
        Ok(TicketQuery {
            status,
            search: self.search,
            service_type: self.service_type,
            department: self.department,
            assignee: self.assignee,
            level: self.level,
            overdue: self.overdue.then_some(true),
            open: self.open.then_some(true),
            due_today: self.due_today.then_some(true),
            from: self.from,
            to: self.to,
            ..Default::default()
        })
    }
}

/// `mesa ticket [--if-unchanged VERSIÓN] …`.
#[derive(Args)]
pub(crate) struct TicketArgs {
    /// Corregir o actuar solo si el caso no cambió desde que se leyó: la versión que mostró
    /// `mesa ticket show` (campo `version` con --json). Si otro usuario lo modificó entretanto,
    /// no se guarda nada (código conflicto_edicion). Para `edit` y las acciones del caso.
    #[arg(long, global = true, value_name = "VERSIÓN")]
    if_unchanged: Option<i64>,
    #[command(subcommand)]
    cmd: TicketCmd,
}

#[derive(Subcommand)]
pub(crate) enum TicketCmd {
    /// Registra un caso e imprime su número.
    New(NewArgs),
    /// Lista casos (todos, salvo --limit).
    List {
        #[command(flatten)]
        filters: CaseFilters,
        #[arg(long)]
        sort: Option<String>,
        #[arg(long)]
        asc: bool,
        #[arg(long)]
        limit: Option<i64>,
    },
    /// Muestra un caso con su línea de tiempo.
    Show { number: String },
    /// Asigna el caso a una persona del equipo (--to).
    Assign {
        number: String,
        #[arg(long)]
        to: String,
    },
    /// Inicia la atención del caso (registra la primera atención).
    Start { number: String },
    /// Pone el caso en espera con un motivo (el reloj del ANS se detiene).
    Hold {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// Reanuda un caso en espera.
    Resume { number: String },
    /// Escala el caso a otra persona o nivel, con un motivo.
    Escalate {
        number: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
    /// Registra la solución del caso (queda «Solucionado», pendiente de verificación).
    Resolve {
        number: String,
        #[arg(long)]
        solution: String,
        #[arg(long)]
        products: Option<String>,
        #[arg(long)]
        minutes: Option<i64>,
        /// Soluciona también los casos hijos abiertos con la misma solución.
        #[arg(long)]
        children: bool,
    },
    /// Verifica la solución con el solicitante y cierra el caso.
    Verify {
        number: String,
        /// Cómo confirmó el solicitante (llamada, correo, en persona…); obligatorio cuando
        /// quien registra la verificación es quien resolvió el caso.
        #[arg(long)]
        confirmation: Option<String>,
    },
    /// Rechaza la solución (el solicitante dice que sigue fallando): el caso se reabre.
    Reject {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// Anula el caso con un motivo (no era una solicitud real); conserva su número.
    Cancel {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// Registra la encuesta de satisfacción del caso.
    Survey {
        number: String,
        /// Calificaciones 1–5 separadas por comas, una por pregunta.
        #[arg(long)]
        scores: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Imprime el enlace mailto: de la encuesta.
    Mailto { number: String },
    /// Corrige o reclasifica un caso abierto: cada campo dado cambia (vacío = borrar uno
    /// opcional) y queda en la línea de tiempo; cambiar el tipo, la urgencia/impacto o la
    /// recepción recalcula los plazos. Cambiar --received-at exige --reason.
    Edit(Box<crate::casework::EditArgs>),
    /// Agrega un seguimiento (público) o una nota interna (--internal) al caso.
    Note(crate::casework::NoteArgs),
    /// Adjunta un archivo al caso (cualquier tipo; límite en Ajustes).
    Attach {
        number: String,
        file: std::path::PathBuf,
    },
    /// Lista los adjuntos del caso (también los quitados, marcados).
    Attachments { number: String },
    /// Quita un adjunto del caso con un motivo (queda en la auditoría).
    Detach {
        number: String,
        /// Número del adjunto (ver `mesa ticket attachments`).
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Guarda una copia de un adjunto del caso en DEST.
    AttachmentSave {
        number: String,
        id: i64,
        dest: std::path::PathBuf,
    },
    /// Programa, reprograma o cancela la visita del caso; --ics escribe el evento de calendario.
    Visit(crate::agenda::VisitArgs),
    /// Vincula el caso N con M: duplicado de M (N se anula), relacionado, o hijo de M.
    Link(crate::links::LinkArgs),
    /// Quita el vínculo (relacionado o padre/hijo) entre dos casos.
    Unlink { number: String, other: String },
}

fn show_ticket(ctx: &Ctx, t: &mesa_core::Ticket) -> Result<(), CoreError> {
    if ctx.json {
        print_json(t)
    } else {
        println!(
            "{}  {}  {}  {}",
            t.number,
            t.status.label(),
            t.requester,
            t.assignee.as_deref().unwrap_or("sin asignar")
        );
        Ok(())
    }
}

pub(crate) fn ticket(ctx: &mut Ctx, args: TicketArgs) -> Result<(), CoreError> {
    let seen = args.if_unchanged;
    let cmd = args.cmd;
    let checked = matches!(
        cmd,
        TicketCmd::Edit(_)
            | TicketCmd::Assign { .. }
            | TicketCmd::Start { .. }
            | TicketCmd::Hold { .. }
            | TicketCmd::Resume { .. }
            | TicketCmd::Escalate { .. }
            | TicketCmd::Resolve { .. }
            | TicketCmd::Verify { .. }
            | TicketCmd::Reject { .. }
            | TicketCmd::Cancel { .. }
            | TicketCmd::Survey { .. }
    );
    if seen.is_some() && !checked {
        return Err(CoreError::validation(
            "--if-unchanged",
            "solo aplica a «edit» y a las acciones del caso (assign, start, hold, resume, \
             escalate, resolve, verify, reject, cancel, survey)",
        ));
    }
    let action = |ctx: &mut Ctx, number: &str, a: TicketAction| -> Result<(), CoreError> {
        let t = match seen {
            Some(v) => ctx
                .store
                .apply_action_if_unchanged(number, &a, v, &ctx.actor, ctx.now)?,
            None => ctx.store.apply_action(number, &a, &ctx.actor, ctx.now)?,
        };
        show_ticket(ctx, &t)
    };
    match cmd {
        TicketCmd::New(a) => {
            let input = NewTicket {
                requester: a.requester,
                department: a.department,
                description: a.description,
                received_at: a.received_at,
                location: a.location,
                phone: a.phone,
                email: a.email,
                channel: a.channel,
                origin: a.origin,
                service_type: a.service_type,
                asset_tag: a.asset,
                urgency: a.urgency,
                impact: a.impact,
            };
            let t = ctx.store.create_ticket(&input, &ctx.actor, ctx.now)?;
            if ctx.json {
                print_json(&t)
            } else {
                println!("{}", t.number);
                Ok(())
            }
        }
        TicketCmd::List {
            filters,
            sort,
            asc,
            limit,
        } => {
            let mut q = TicketQuery {
                sort,
                desc: !asc,
                limit: limit.unwrap_or(10_000),
                offset: 0,
                ..filters.query()?
            };
            let mut all = Vec::new();
            loop {
                let page = ctx.store.list_tickets(&q, ctx.now)?;
                let got = page.items.len() as i64;
                all.extend(page.items);
                if limit.is_some() || got < q.limit {
                    break;
                }
                q.offset += got;
            }
            if ctx.json {
                print_json(&all)
            } else {
                for t in &all {
                    println!(
                        "{:<14} {:<11} {:<25} {:<30} {}",
                        t.number,
                        t.status.label(),
                        t.requester,
                        t.department,
                        t.assignee.as_deref().unwrap_or("-")
                    );
                }
                println!("{} casos", all.len());
                Ok(())
            }
        }
        TicketCmd::Show { number } => {
            let d = ctx.store.get_ticket(&number, ctx.now)?;
            if ctx.json {
                print_json(&crate::casework::detail_json(&d)?)
            } else {
                let t = &d.ticket;
                println!("Caso {} — {}", t.number, t.status.label());
                println!("Solicitante: {} ({})", t.requester, t.department);
                println!("Recibido: {}", t.received_at.as_deref().unwrap_or("-"));
                println!("Tipo: {}", t.service_type.as_deref().unwrap_or("-"));
                println!("Nivel {} — prioridad {}", t.level, t.priority);
                println!("Asignado: {}", t.assignee.as_deref().unwrap_or("-"));
                println!("Versión: {} (para --if-unchanged)", t.version);
                println!(
                    "Vence respuesta: {}",
                    t.response_due_at.as_deref().unwrap_or("-")
                );
                println!(
                    "Vence solución: {}",
                    t.resolution_due_at.as_deref().unwrap_or("-")
                );
                println!("Descripción: {}", t.description);
                if let Some(s) = &t.solution {
                    println!("Solución: {s}");
                }
                crate::casework::print_follow_ups(&d);
                println!("Línea de tiempo:");
                for e in &d.events {
                    println!(
                        "  {} {} {} {} → {} {}",
                        e.at,
                        e.actor,
                        e.kind,
                        e.old_value.as_deref().unwrap_or(""),
                        e.new_value.as_deref().unwrap_or(""),
                        e.note.as_deref().unwrap_or("")
                    );
                }
                Ok(())
            }
        }
        TicketCmd::Assign { number, to } => action(ctx, &number, TicketAction::Assign { to }),
        TicketCmd::Start { number } => action(ctx, &number, TicketAction::Start),
        TicketCmd::Hold { number, reason } => action(ctx, &number, TicketAction::Hold { reason }),
        TicketCmd::Resume { number } => action(ctx, &number, TicketAction::Resume),
        TicketCmd::Escalate { number, to, reason } => {
            action(ctx, &number, TicketAction::Escalate { to, reason })
        }
        TicketCmd::Resolve {
            number,
            solution,
            products,
            minutes,
            children: true,
        } => crate::links::resolve_with_children(ctx, &number, &solution, products, minutes),
        TicketCmd::Resolve {
            number,
            solution,
            products,
            minutes,
            children: false,
        } => action(
            ctx,
            &number,
            TicketAction::Resolve {
                solution,
                products,
                time_spent_minutes: minutes,
            },
        ),
        TicketCmd::Verify {
            number,
            confirmation,
        } => action(ctx, &number, TicketAction::Verify { confirmation }),
        TicketCmd::Reject { number, reason } => {
            action(ctx, &number, TicketAction::Reject { reason })
        }
        TicketCmd::Cancel { number, reason } => {
            action(ctx, &number, TicketAction::Cancel { reason })
        }
        TicketCmd::Survey {
            number,
            scores,
            comment,
        } => {
            let scores = scores
                .split(',')
                .map(|s| {
                    s.trim().parse::<i64>().map_err(|_| {
                        CoreError::validation("--scores", format!("«{s}» no es un número"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            action(ctx, &number, TicketAction::Survey { scores, comment })
        }
        TicketCmd::Edit(a) => crate::casework::edit(ctx, *a, seen),
        TicketCmd::Note(a) => crate::casework::note(ctx, a),
        TicketCmd::Attach { number, file } => ticket_attachments(ctx, number, AttachOp::Add(file)),
        TicketCmd::Attachments { number } => ticket_attachments(ctx, number, AttachOp::List),
        TicketCmd::Detach { number, id, reason } => {
            ticket_attachments(ctx, number, AttachOp::Remove { id, reason })
        }
        TicketCmd::AttachmentSave { number, id, dest } => {
            ticket_attachments(ctx, number, AttachOp::Save { id, dest })
        }
        TicketCmd::Mailto { number } => {
            let url = ctx.store.survey_mailto(&number)?;
            if ctx.json {
                print_json(&serde_json::json!({ "mailto": url }))
            } else {
                println!("{url}");
                Ok(())
            }
        }
        TicketCmd::Visit(a) => crate::agenda::visit(ctx, a),
        TicketCmd::Link(a) => crate::links::link(ctx, a),
        TicketCmd::Unlink { number, other } => crate::links::unlink(ctx, &number, &other),
    }
}

fn ticket_attachments(ctx: &mut Ctx, number: String, op: AttachOp) -> Result<(), CoreError> {
    crate::attachments::run(
        &mut ctx.store,
        mesa_core::AttachmentOwner::Ticket(number),
        op,
        &ctx.actor,
        ctx.now,
        ctx.json,
    )
}
