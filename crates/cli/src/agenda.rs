//! `mesa ticket visit …` (schedule, reschedule, cancel a case's visit; its `.ics`) and
//! `mesa agenda` (the visits of a range of days, as text, JSON or `.ics`).

use std::path::{Path, PathBuf};

use chrono::Duration;
use clap::Args;
use mesa_core::agenda::{parse_day, AgendaItem, Visit, VisitInput};
use mesa_core::clock::to_local;
use mesa_core::CoreError;

use crate::{print_json, write_file, Ctx};

/// Arguments of `mesa ticket visit N`.
#[derive(Args)]
pub(crate) struct VisitArgs {
    /// Número del caso.
    number: String,
    /// Fecha y hora de la visita (hora de Bogotá): «AAAA-MM-DD HH:MM» o «dd/mm/aaaa hh:mm».
    #[arg(long, conflicts_with = "cancel")]
    at: Option<String>,
    /// Duración en minutos (por omisión 60).
    #[arg(long, requires = "at")]
    minutes: Option<i64>,
    /// Lugar (por omisión la ubicación del caso).
    #[arg(long, requires = "at")]
    place: Option<String>,
    /// Quién va: una persona del equipo (por omisión el asignado del caso).
    #[arg(long, requires = "at")]
    who: Option<String>,
    /// Nota de la visita.
    #[arg(long, requires = "at")]
    note: Option<String>,
    /// Cancela la visita programada (requiere --reason).
    #[arg(long, requires = "reason")]
    cancel: bool,
    /// Motivo de la cancelación.
    #[arg(long, requires = "cancel")]
    reason: Option<String>,
    /// Escribe la visita como evento de calendario (.ics) en este archivo.
    #[arg(long, value_name = "ARCHIVO", conflicts_with = "cancel")]
    ics: Option<PathBuf>,
}

/// Arguments of `mesa agenda`.
#[derive(Args)]
pub(crate) struct AgendaArgs {
    /// Desde (AAAA-MM-DD o dd/mm/aaaa); por omisión hoy.
    #[arg(long)]
    from: Option<String>,
    /// Hasta, incluido; por omisión seis días después de --from (una semana).
    #[arg(long)]
    to: Option<String>,
    /// Escribe todas las visitas del rango en un archivo .ics.
    #[arg(long, value_name = "ARCHIVO")]
    ics: Option<PathBuf>,
}

fn hhmm(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn print_visit(number: &str, v: &Visit) {
    println!(
        "Visita del caso {number}: {} ({} min)",
        hhmm(&v.starts_at),
        v.minutes
    );
    println!("Lugar: {}", v.place.as_deref().unwrap_or("-"));
    println!("Va: {}", v.who.as_deref().unwrap_or("-"));
    if let Some(n) = &v.note {
        println!("Nota: {n}");
    }
}

fn write_ics(ctx: &Ctx, path: &Path, text: &str) -> Result<(), CoreError> {
    write_file(path, text.as_bytes())?;
    if !ctx.json {
        println!("Evento de calendario: {}", path.display());
    }
    Ok(())
}

pub(crate) fn visit(ctx: &mut Ctx, a: VisitArgs) -> Result<(), CoreError> {
    if a.cancel {
        let reason = a.reason.unwrap_or_default();
        ctx.store
            .cancel_visit(&a.number, &reason, &ctx.actor, ctx.now)?;
        let d = ctx.store.get_ticket(&a.number, ctx.now)?;
        return if ctx.json {
            print_json(&serde_json::json!({ "number": d.ticket.number, "visit": d.visit }))
        } else {
            println!("Visita del caso {} cancelada.", d.ticket.number);
            Ok(())
        };
    }
    let visit = match a.at {
        Some(at) => {
            let input = VisitInput {
                at,
                minutes: a.minutes,
                place: a.place,
                who: a.who,
                note: a.note,
            };
            Some(
                ctx.store
                    .schedule_visit(&a.number, &input, &ctx.actor, ctx.now)?,
            )
        }
        None => ctx.store.get_ticket(&a.number, ctx.now)?.visit,
    };
    let number = ctx.store.get_ticket(&a.number, ctx.now)?.ticket.number;
    if let Some(path) = &a.ics {
        let (_, text) = ctx.store.visit_ics(&number, ctx.now)?;
        write_ics(ctx, path, &text)?;
    }
    if ctx.json {
        return print_json(&serde_json::json!({ "number": number, "visit": visit }));
    }
    match &visit {
        Some(v) => print_visit(&number, v),
        None => println!("El caso {number} no tiene visita programada."),
    }
    Ok(())
}

pub(crate) fn agenda(ctx: &mut Ctx, a: AgendaArgs) -> Result<(), CoreError> {
    let from = match &a.from {
        Some(s) => parse_day("--from", s)?,
        None => to_local(ctx.now).date(),
    };
    let to = match &a.to {
        Some(s) => parse_day("--to", s)?,
        None => from + Duration::days(6),
    };
    let items: Vec<AgendaItem> = ctx.store.agenda(from, to)?;
    if let Some(path) = &a.ics {
        let (_, text) = ctx.store.agenda_ics(from, to, ctx.now)?;
        write_ics(ctx, path, &text)?;
    }
    if ctx.json {
        return print_json(&items);
    }
    println!(
        "Agenda del {} al {}",
        from.format("%d/%m/%Y"),
        to.format("%d/%m/%Y")
    );
    for it in &items {
        println!(
            "{}  {:<14} {:<25} {:<22} {:<25} {}",
            hhmm(&it.visit.starts_at),
            it.number,
            it.requester,
            it.department,
            it.visit.place.as_deref().unwrap_or("-"),
            it.visit.who.as_deref().unwrap_or("-"),
        );
    }
    println!("{} visitas", items.len());
    Ok(())
}
