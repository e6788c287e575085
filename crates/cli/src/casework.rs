//! `mesa ticket edit` and `mesa ticket note`: work on a case after registration (corrections,
//! reclassification, follow-ups and internal notes), and the full case as JSON for `show`.

use clap::Args;
use mesa_core::{CoreError, FollowUpVisibility, NewFollowUp, TicketDetail, TicketEdit};

use crate::{print_json, Ctx};

#[derive(Args)]
pub(crate) struct EditArgs {
    number: String,
    #[arg(long)]
    requester: Option<String>,
    #[arg(long)]
    department: Option<String>,
    #[arg(long)]
    location: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    description: Option<String>,
    #[arg(long)]
    channel: Option<String>,
    #[arg(long)]
    origin: Option<String>,
    /// Placa del equipo relacionado.
    #[arg(long)]
    asset: Option<String>,
    #[arg(long)]
    urgency: Option<i64>,
    #[arg(long)]
    impact: Option<i64>,
    /// Tipo de servicio (clasificación).
    #[arg(long = "type")]
    service_type: Option<String>,
    /// Fecha y hora de recepción (AAAA-MM-DD HH:MM o dd/mm/aaaa hh:mm, hora de Bogotá).
    #[arg(long)]
    received_at: Option<String>,
    /// Motivo de la corrección (obligatorio al cambiar la recepción).
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Args)]
pub(crate) struct NoteArgs {
    number: String,
    #[arg(long)]
    text: String,
    /// Nota interna: nunca se muestra ni se envía al solicitante.
    #[arg(long)]
    internal: bool,
    /// Tiempo invertido, en minutos.
    #[arg(long)]
    minutes: Option<i64>,
    /// Fue un contacto con el solicitante (llamada, visita, mensaje).
    #[arg(long)]
    contact: bool,
    /// Cuándo ocurrió, si fue antes de ahora (AAAA-MM-DD HH:MM, hora de Bogotá).
    #[arg(long)]
    at: Option<String>,
}

/// `seen`: `--if-unchanged`, the version the caller read (see `TicketArgs`).
pub(crate) fn edit(ctx: &mut Ctx, a: EditArgs, seen: Option<i64>) -> Result<(), CoreError> {
    let e = TicketEdit {
        requester: a.requester,
        department: a.department,
        location: a.location,
        phone: a.phone,
        email: a.email,
        description: a.description,
        channel: a.channel,
        origin: a.origin,
        asset_tag: a.asset,
        urgency: a.urgency,
        impact: a.impact,
        service_type: a.service_type,
        received_at: a.received_at,
        reason: a.reason,
    };
    let t = match seen {
        Some(v) => ctx
            .store
            .edit_ticket_if_unchanged(&a.number, &e, v, &ctx.actor, ctx.now)?,
        None => ctx.store.edit_ticket(&a.number, &e, &ctx.actor, ctx.now)?,
    };
    if ctx.json {
        print_json(&t)
    } else {
        println!(
            "{}  {}  {}  vence solución: {}",
            t.number,
            t.status.label(),
            t.service_type.as_deref().unwrap_or("Sin clasificar"),
            t.resolution_due_at.as_deref().unwrap_or("-")
        );
        Ok(())
    }
}

pub(crate) fn note(ctx: &mut Ctx, a: NoteArgs) -> Result<(), CoreError> {
    let input = NewFollowUp {
        text: a.text,
        visibility: if a.internal {
            FollowUpVisibility::Internal
        } else {
            FollowUpVisibility::Public
        },
        minutes: a.minutes,
        contact: a.contact,
        at: a.at,
    };
    let f = ctx
        .store
        .add_follow_up(&a.number, &input, &ctx.actor, ctx.now)?;
    if ctx.json {
        print_json(&f)
    } else {
        println!("{} {} — {}", a.number, f.at, f.visibility.label());
        Ok(())
    }
}

/// The case as `ticket show --json` prints it: the case's fields at the top level, with
/// everything else the detail carries (timeline, follow-ups, …) beside them.
pub(crate) fn detail_json(d: &TicketDetail) -> Result<serde_json::Value, CoreError> {
    let serde_json::Value::Object(mut all) = serde_json::to_value(d)? else {
        return Ok(serde_json::Value::Null);
    };
    let mut out = match all.remove("ticket") {
        Some(serde_json::Value::Object(t)) => t,
        _ => serde_json::Map::new(),
    };
    out.extend(all);
    Ok(serde_json::Value::Object(out))
}

/// Follow-ups in `ticket show`'s text output.
pub(crate) fn print_follow_ups(d: &TicketDetail) {
    if d.follow_ups.is_empty() {
        return;
    }
    println!("Seguimientos:");
    for f in &d.follow_ups {
        let mut extra = Vec::new();
        if f.visibility == FollowUpVisibility::Internal {
            extra.push("NOTA INTERNA".to_string());
        }
        if f.contact {
            extra.push("contacto".to_string());
        }
        if let Some(m) = f.minutes {
            extra.push(format!("{m} min"));
        }
        println!("  {} {} [{}] {}", f.at, f.actor, extra.join(", "), f.text);
    }
}
