//! `mesa plan-mejora …`: the improvement plan (findings, actions, follow-ups, the closing
//! verification, the overdue / due lists and the XLSX and PDF exports).

use std::path::PathBuf;

use clap::Subcommand;
use mesa_core::pdf::PageSize;
use mesa_core::plans::{
    fmt_day, ActionInput, ActionState, Finding, FindingInput, FindingSource, FollowUpInput,
    PlanAction, PlanFilter, VerifyInput, DUE_DAYS,
};
use mesa_core::{AttachmentOwner, CoreError};

use crate::{print_json, write_file, Ctx};

#[derive(Subcommand)]
pub(crate) enum PlanCmd {
    /// Hallazgos: `finding new --description … --source … [--source-ref …] [--cause …]…`.
    #[command(subcommand)]
    Finding(FindingCmd),
    /// Lista los hallazgos (más recientes primero), con filtros de estado y fuente.
    List {
        /// abierta, en_ejecucion, cumplida o vencida.
        #[arg(long)]
        state: Option<String>,
        /// indicador, encuesta, auditoria, riesgo, informe u otro.
        #[arg(long)]
        source: Option<String>,
    },
    /// Muestra un hallazgo con sus causas, acciones y seguimientos.
    Show {
        /// Número del hallazgo (H-AAAA-NNN).
        number: String,
    },
    /// Acciones de mejora: `action add H-… --description … --owner … --start D --end D`.
    #[command(subcommand)]
    Action(ActionCmd),
    /// Registra un seguimiento de una acción (avance %, observación, evidencia).
    FollowUp {
        /// Número de la acción (ver `show`).
        action_id: i64,
        /// Avance acumulado de la acción, 0 a 100 %.
        #[arg(long)]
        progress: i64,
        /// Observación del seguimiento.
        #[arg(long)]
        comment: String,
        /// Fecha del seguimiento (dd/mm/aaaa); por omisión hoy.
        #[arg(long)]
        date: Option<String>,
        /// Archivo de evidencia (se adjunta al seguimiento).
        #[arg(long, value_name = "ARCHIVO")]
        attach: Vec<PathBuf>,
    },
    /// Verificación de cierre de una acción (por una persona distinta del responsable).
    Verify {
        action_id: i64,
        /// Observación de la verificación.
        #[arg(long)]
        note: Option<String>,
        /// Justificación cuando el responsable verifica su propia acción.
        #[arg(long)]
        justification: Option<String>,
    },
    /// Corrige un hallazgo (solo cambia lo indicado; `--cause` reemplaza todas las causas).
    EditFinding {
        /// Número del hallazgo (H-AAAA-NNN).
        number: String,
        #[arg(long)]
        description: Option<String>,
        /// indicador, encuesta, auditoria, riesgo, informe u otro.
        #[arg(long)]
        source: Option<String>,
        /// Referencia de la fuente ("" la quita).
        #[arg(long)]
        source_ref: Option<String>,
        /// Causas (repita la opción; reemplazan todas las causas).
        #[arg(long = "cause")]
        causes: Vec<String>,
        /// Efecto ("" lo quita).
        #[arg(long)]
        effect: Option<String>,
        /// Fecha del hallazgo (dd/mm/aaaa).
        #[arg(long)]
        date: Option<String>,
    },
    /// Corrige una acción de mejora no verificada (solo cambia lo indicado).
    EditAction {
        /// Número de la acción (ver `show`).
        action_id: i64,
        #[arg(long)]
        description: Option<String>,
        /// Responsable: una persona del catálogo de personal.
        #[arg(long)]
        owner: Option<String>,
        /// Fecha de inicio (dd/mm/aaaa).
        #[arg(long)]
        start: Option<String>,
        /// Fecha de terminación (dd/mm/aaaa).
        #[arg(long)]
        end: Option<String>,
        /// Objetivo ("" lo quita).
        #[arg(long)]
        objective: Option<String>,
        /// Meta / descripción de las actividades ("" la quita).
        #[arg(long)]
        goal: Option<String>,
        /// Unidad de medida ("" la quita).
        #[arg(long)]
        unit: Option<String>,
        /// Cantidad (un número; "" la quita).
        #[arg(long)]
        quantity: Option<String>,
    },
    /// Elimina un hallazgo con sus causas y acciones, si ninguna tiene seguimientos.
    DeleteFinding {
        /// Número del hallazgo (H-AAAA-NNN).
        number: String,
    },
    /// Elimina una acción de mejora sin seguimientos.
    DeleteAction {
        /// Número de la acción (ver `show`).
        action_id: i64,
    },
    /// Exporta el plan de mejoramiento a XLSX y/o PDF.
    Export {
        #[arg(long, value_name = "ARCHIVO")]
        xlsx: Option<PathBuf>,
        #[arg(long, value_name = "ARCHIVO")]
        pdf: Option<PathBuf>,
        /// Tamaño del papel del PDF: carta (por omisión) o a4.
        #[arg(long, default_value = "carta")]
        paper: String,
    },
    /// Acciones vencidas y las que vencen en los próximos días (por omisión 15).
    Due {
        #[arg(long, default_value_t = DUE_DAYS)]
        days: i64,
    },
}

#[derive(Subcommand)]
pub(crate) enum FindingCmd {
    /// Registra un hallazgo (número H-AAAA-NNN consecutivo por año).
    New {
        #[arg(long)]
        description: String,
        /// indicador, encuesta, auditoria, riesgo, informe u otro.
        #[arg(long)]
        source: String,
        /// Referencia de la fuente (indicador, informe de auditoría, riesgo…).
        #[arg(long)]
        source_ref: Option<String>,
        /// Causa (repita la opción para varias).
        #[arg(long = "cause")]
        causes: Vec<String>,
        /// Efecto del hallazgo.
        #[arg(long)]
        effect: Option<String>,
        /// Fecha del hallazgo (dd/mm/aaaa); por omisión hoy.
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum ActionCmd {
    /// Agrega una acción de mejora a un hallazgo.
    Add {
        /// Número del hallazgo (H-AAAA-NNN).
        number: String,
        /// Acción de mejora.
        #[arg(long)]
        description: String,
        /// Responsable: una persona del catálogo de personal.
        #[arg(long)]
        owner: String,
        /// Fecha de inicio (dd/mm/aaaa).
        #[arg(long)]
        start: String,
        /// Fecha de terminación (dd/mm/aaaa).
        #[arg(long)]
        end: String,
        #[arg(long)]
        objective: Option<String>,
        /// Meta / descripción de las actividades.
        #[arg(long)]
        goal: Option<String>,
        /// Unidad de medida.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        quantity: Option<f64>,
    },
}

fn print_action(a: &PlanAction) {
    println!(
        "  Acción {}: {} — {} — {} a {} ({} semanas) — avance {} % — {}",
        a.id,
        a.description,
        a.owner,
        fmt_day(&a.starts_on),
        fmt_day(&a.ends_on),
        a.weeks,
        a.progress,
        a.state_label
    );
    for f in &a.follow_ups {
        println!(
            "    {} — {} % — {} ({}){}",
            fmt_day(&f.done_on),
            f.progress,
            f.comment,
            f.created_by,
            if f.attachments.is_empty() {
                String::new()
            } else {
                format!(
                    " — evidencia: {}",
                    f.attachments
                        .iter()
                        .map(|x| x.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
    }
    if let Some(by) = &a.verified_by {
        println!("    Verificada por {by}");
    }
}

fn print_finding(f: &Finding) {
    println!("{} — {} [{}]", f.number, f.description, f.state_label);
    println!(
        "Fuente: {}{}",
        f.source_label,
        f.source_ref
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default()
    );
    println!("Fecha: {}", fmt_day(&f.found_on));
    for (i, c) in f.causes.iter().enumerate() {
        println!("Causa {}: {c}", i + 1);
    }
    if let Some(e) = &f.effect {
        println!("Efecto: {e}");
    }
    for a in &f.actions {
        print_action(a);
    }
}

pub(crate) fn run(ctx: &mut Ctx, cmd: PlanCmd) -> Result<(), CoreError> {
    let (now, actor, json) = (ctx.now, ctx.actor.clone(), ctx.json);
    match cmd {
        PlanCmd::Finding(FindingCmd::New {
            description,
            source,
            source_ref,
            causes,
            effect,
            date,
        }) => {
            let f = ctx.store.create_finding(
                &FindingInput {
                    description,
                    source,
                    source_ref,
                    found_on: date,
                    effect,
                    causes,
                },
                &actor,
                now,
            )?;
            if json {
                return print_json(&f);
            }
            println!("Hallazgo registrado: {}", f.number);
            Ok(())
        }
        PlanCmd::List { state, source } => {
            let filter = PlanFilter {
                state: state.as_deref().map(ActionState::parse).transpose()?,
                source: source.as_deref().map(FindingSource::parse).transpose()?,
            };
            let list = ctx.store.plan_findings(&filter, now)?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("No hay hallazgos.");
            }
            for f in &list {
                println!(
                    "{} — {} — {} — {} — acciones {} ({} cumplidas) — avance {:.1} %",
                    f.number,
                    fmt_day(&f.found_on),
                    f.source_label,
                    f.state_label,
                    f.actions,
                    f.actions_done,
                    f.progress
                );
                println!("  {}", f.description);
            }
            Ok(())
        }
        PlanCmd::Show { number } => {
            let f = ctx.store.plan_finding(&number, now)?;
            if json {
                return print_json(&f);
            }
            print_finding(&f);
            Ok(())
        }
        PlanCmd::Action(ActionCmd::Add {
            number,
            description,
            owner,
            start,
            end,
            objective,
            goal,
            unit,
            quantity,
        }) => {
            let a = ctx.store.add_plan_action(
                &number,
                &ActionInput {
                    description,
                    objective,
                    goal,
                    unit,
                    quantity,
                    starts_on: start,
                    ends_on: end,
                    owner,
                },
                &actor,
                now,
            )?;
            if json {
                return print_json(&a);
            }
            println!("Acción {} agregada al hallazgo {}.", a.id, a.finding_number);
            Ok(())
        }
        PlanCmd::FollowUp {
            action_id,
            progress,
            comment,
            date,
            attach,
        } => {
            // The evidence files are checked before anything is written.
            for p in &attach {
                if !p.is_file() {
                    return Err(CoreError::validation(
                        "--attach",
                        format!("no existe el archivo «{}»", p.display()),
                    ));
                }
            }
            let mut f = ctx.store.add_plan_follow_up(
                action_id,
                &FollowUpInput {
                    done_on: date,
                    progress,
                    comment,
                },
                &actor,
                now,
            )?;
            let owner = AttachmentOwner::PlanFollowUp(f.id.to_string());
            for p in &attach {
                f.attachments
                    .push(ctx.store.attach_file(&owner, p, &actor, now)?);
            }
            if json {
                return print_json(&f);
            }
            println!(
                "Seguimiento registrado en la acción {action_id}: {} %{}",
                f.progress,
                if f.attachments.is_empty() {
                    String::new()
                } else {
                    format!(" ({} evidencia(s))", f.attachments.len())
                }
            );
            Ok(())
        }
        PlanCmd::Verify {
            action_id,
            note,
            justification,
        } => {
            let a = ctx.store.verify_plan_action(
                action_id,
                &VerifyInput {
                    note,
                    justification,
                },
                &actor,
                now,
            )?;
            if json {
                return print_json(&a);
            }
            println!("Acción {} verificada: {}", a.id, a.state_label);
            Ok(())
        }
        PlanCmd::EditFinding {
            number,
            description,
            source,
            source_ref,
            causes,
            effect,
            date,
        } => {
            let f = ctx.store.plan_finding(&number, now)?;
            let input = FindingInput {
                description: description.unwrap_or(f.description),
                source: source.unwrap_or_else(|| f.source.key().to_string()),
                source_ref: source_ref.or(f.source_ref),
                found_on: Some(date.unwrap_or(f.found_on)),
                effect: effect.or(f.effect),
                causes: if causes.is_empty() { f.causes } else { causes },
            };
            let f = ctx.store.update_finding(&number, &input, &actor, now)?;
            if json {
                return print_json(&f);
            }
            println!("Hallazgo {} corregido.", f.number);
            Ok(())
        }
        PlanCmd::EditAction {
            action_id,
            description,
            owner,
            start,
            end,
            objective,
            goal,
            unit,
            quantity,
        } => {
            let a = ctx.store.plan_action(action_id, now)?;
            let quantity = match quantity.as_deref().map(str::trim) {
                None => a.quantity,
                Some("") => None,
                Some(q) => Some(q.replace(',', ".").parse::<f64>().map_err(|_| {
                    CoreError::validation("--quantity", format!("«{q}» no es un número"))
                })?),
            };
            let input = ActionInput {
                description: description.unwrap_or(a.description),
                objective: objective.or(a.objective),
                goal: goal.or(a.goal),
                unit: unit.or(a.unit),
                quantity,
                starts_on: start.unwrap_or(a.starts_on),
                ends_on: end.unwrap_or(a.ends_on),
                owner: owner.unwrap_or(a.owner),
            };
            let a = ctx
                .store
                .update_plan_action(action_id, &input, &actor, now)?;
            if json {
                return print_json(&a);
            }
            println!("Acción {} corregida.", a.id);
            print_action(&a);
            Ok(())
        }
        PlanCmd::DeleteFinding { number } => {
            ctx.store.delete_finding(&number, &actor, now)?;
            if json {
                return print_json(&serde_json::json!({ "deleted": number.trim() }));
            }
            println!("Hallazgo {} eliminado.", number.trim().to_uppercase());
            Ok(())
        }
        PlanCmd::DeleteAction { action_id } => {
            ctx.store.delete_plan_action(action_id, &actor, now)?;
            if json {
                return print_json(&serde_json::json!({ "deleted": action_id }));
            }
            println!("Acción {action_id} eliminada.");
            Ok(())
        }
        PlanCmd::Export { xlsx, pdf, paper } => {
            if xlsx.is_none() && pdf.is_none() {
                return Err(CoreError::validation(
                    "exportar",
                    "indique --xlsx ARCHIVO y/o --pdf ARCHIVO",
                ));
            }
            let size = match paper.trim().to_lowercase().as_str() {
                "carta" | "letter" => PageSize::Letter,
                "a4" => PageSize::A4,
                other => {
                    return Err(CoreError::validation(
                        "--paper",
                        format!("«{other}» no es un tamaño de papel; use carta o a4"),
                    ))
                }
            };
            if let Some(p) = &xlsx {
                ctx.store.improvement_plan_xlsx(p, now)?;
            }
            if let Some(p) = &pdf {
                let bytes = ctx.store.improvement_plan_pdf(size, &actor, now)?;
                write_file(p, &bytes)?;
            }
            if json {
                return print_json(&serde_json::json!({ "xlsx": xlsx, "pdf": pdf }));
            }
            for p in xlsx.iter().chain(pdf.iter()) {
                println!("Plan de mejoramiento guardado en {}", p.display());
            }
            Ok(())
        }
        PlanCmd::Due { days } => {
            let due = ctx.store.plan_due(days, now)?;
            if json {
                return print_json(&due);
            }
            println!("Acciones vencidas: {}", due.overdue.len());
            for a in &due.overdue {
                println!(
                    "  {} acción {}: {} — {} — venció el {} (hace {} días)",
                    a.finding_number,
                    a.id,
                    a.description,
                    a.owner,
                    fmt_day(&a.ends_on),
                    -a.days_left
                );
            }
            println!(
                "Acciones que vencen en los próximos {} días: {}",
                due.days,
                due.due_soon.len()
            );
            for a in &due.due_soon {
                println!(
                    "  {} acción {}: {} — {} — vence el {} (en {} días)",
                    a.finding_number,
                    a.id,
                    a.description,
                    a.owner,
                    fmt_day(&a.ends_on),
                    a.days_left
                );
            }
            Ok(())
        }
    }
}
