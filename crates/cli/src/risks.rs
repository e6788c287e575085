//! `mesa risk …`: the risk map (issue 18, DAFP guide): list, show, new, set, delete, controls
//! (add, remove) and the documents (XLSX, PDF).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use mesa_core::risks::{
    ControlFrequency, ControlInput, ControlKind, DataSource, Implementation, Risk, RiskInput,
    Treatment,
};
use mesa_core::CoreError;

use crate::{print_json, write_file, Ctx};

#[derive(Subcommand)]
pub(crate) enum RiskCmd {
    /// Lista los riesgos con su zona inherente y residual.
    List,
    /// Muestra un riesgo con sus controles.
    Show { code: String },
    /// Registra un riesgo.
    New(Box<RiskFields>),
    /// Cambia campos de un riesgo (los no indicados se conservan).
    Set {
        code: String,
        #[command(flatten)]
        fields: Box<RiskFields>,
    },
    /// Borra un riesgo y sus controles.
    Delete { code: String },
    /// Controles de un riesgo.
    #[command(subcommand)]
    Control(ControlCmd),
    /// Escribe el mapa de riesgos en XLSX y/o PDF.
    Export {
        #[arg(long)]
        xlsx: Option<PathBuf>,
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
}

/// Fields of a risk (all optional for `set`; `new` requires description, classification,
/// probability and impact).
#[derive(Args, Default)]
pub(crate) struct RiskFields {
    /// Código (en `new`, por omisión el siguiente R-NN; en `set`, cambia el código).
    #[arg(long = "code")]
    new_code: Option<String>,
    #[arg(long)]
    process: Option<String>,
    /// «Posibilidad de … debido a … por …».
    #[arg(long)]
    description: Option<String>,
    #[arg(long)]
    classification: Option<String>,
    #[arg(long)]
    causes: Option<String>,
    #[arg(long)]
    consequences: Option<String>,
    /// Probabilidad inherente 1 (muy baja) a 5 (muy alta).
    #[arg(long)]
    probability: Option<i64>,
    /// Impacto inherente 1 (leve) a 5 (catastrófico).
    #[arg(long)]
    impact: Option<i64>,
    /// aceptar | reducir | evitar | compartir.
    #[arg(long)]
    treatment: Option<String>,
    /// Responsable del plan de acción.
    #[arg(long)]
    responsible: Option<String>,
    /// Fecha del plan de acción (dd/mm/aaaa o AAAA-MM-DD).
    #[arg(long)]
    due: Option<String>,
    /// Descripción del plan de acción.
    #[arg(long)]
    plan: Option<String>,
    /// Número de la acción del plan de mejoramiento vinculada.
    #[arg(long)]
    plan_action: Option<i64>,
    /// Próxima revisión (dd/mm/aaaa o AAAA-MM-DD).
    #[arg(long)]
    next_review: Option<String>,
    /// Última revisión (dd/mm/aaaa o AAAA-MM-DD).
    #[arg(long)]
    last_review: Option<String>,
    /// Dato de la aplicación mostrado junto al riesgo: none | backups | sla | maintenance.
    #[arg(long)]
    data_source: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum ControlCmd {
    /// Agrega un control al final de los del riesgo.
    Add {
        code: String,
        /// preventivo | detectivo | correctivo.
        #[arg(long = "type")]
        kind: String,
        /// automatico | manual.
        #[arg(long)]
        implementation: String,
        #[arg(long)]
        documented: bool,
        /// continua | aleatoria (por omisión continua).
        #[arg(long)]
        frequency: Option<String>,
        #[arg(long)]
        evidence: bool,
        #[arg(long)]
        responsible: Option<String>,
        #[arg(long)]
        description: String,
    },
    /// Cambia los atributos de un control (solo lo indicado); el riesgo residual se recalcula.
    Set {
        /// Número interno del control (ver `risk show --json`).
        id: i64,
        /// preventivo | detectivo | correctivo.
        #[arg(long = "type")]
        kind: Option<String>,
        /// automatico | manual.
        #[arg(long)]
        implementation: Option<String>,
        /// si | no.
        #[arg(long)]
        documented: Option<String>,
        /// continua | aleatoria.
        #[arg(long)]
        frequency: Option<String>,
        /// si | no.
        #[arg(long)]
        evidence: Option<String>,
        /// Responsable ("" lo quita).
        #[arg(long)]
        responsible: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Quita un control (por su número interno, ver `risk show --json`).
    Remove { id: i64 },
}

fn yes_no(field: &str, v: &str) -> Result<bool, CoreError> {
    match mesa_core::text::fold(v).as_str() {
        "si" | "s" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" => Ok(false),
        _ => Err(CoreError::validation(
            field,
            format!("«{v}» no es válido; use si o no"),
        )),
    }
}

fn parse<T>(field: &str, v: &str, f: fn(&str) -> Option<T>, options: &str) -> Result<T, CoreError> {
    f(v).ok_or_else(|| CoreError::validation(field, format!("«{v}» no es válido; use {options}")))
}

fn apply(input: &mut RiskInput, f: RiskFields) -> Result<(), CoreError> {
    if let Some(v) = f.new_code {
        input.code = Some(v);
    }
    if let Some(v) = f.process {
        input.process = Some(v);
    }
    if let Some(v) = f.description {
        input.description = v;
    }
    if let Some(v) = f.classification {
        input.classification = v;
    }
    if let Some(v) = f.causes {
        input.causes = v;
    }
    if let Some(v) = f.consequences {
        input.consequences = v;
    }
    if let Some(v) = f.probability {
        input.probability = v;
    }
    if let Some(v) = f.impact {
        input.impact = v;
    }
    if let Some(v) = f.treatment {
        input.treatment = Some(parse(
            "tratamiento",
            &v,
            Treatment::parse,
            "aceptar, reducir, evitar o compartir",
        )?);
    }
    if let Some(v) = f.responsible {
        input.plan_responsible = Some(v);
    }
    if let Some(v) = f.due {
        input.plan_due = Some(v);
    }
    if let Some(v) = f.plan {
        input.plan_description = Some(v);
    }
    if let Some(v) = f.plan_action {
        input.plan_action_id = Some(v);
    }
    if let Some(v) = f.next_review {
        input.next_review = Some(v);
    }
    if let Some(v) = f.last_review {
        input.last_review = Some(v);
    }
    if let Some(v) = f.data_source {
        input.data_source = Some(parse(
            "fuente de datos",
            &v,
            DataSource::parse,
            "none, backups, sla o maintenance",
        )?);
    }
    Ok(())
}

fn print_risk(r: &Risk) {
    println!("{} — {}", r.code, r.description);
    println!(
        "  Proceso: {}  Clasificación: {}",
        r.process, r.classification
    );
    println!(
        "  Inherente: probabilidad {} ({}), impacto {} ({}) → zona {}",
        r.probability,
        mesa_core::risks::scales::probability_label(r.probability),
        r.impact,
        mesa_core::risks::scales::impact_label(r.impact),
        r.inherent_zone.label()
    );
    for c in &r.controls {
        println!(
            "  Control {} [{}]: {} — {} {} ({} %)",
            c.position,
            c.id,
            c.description,
            c.kind.label(),
            c.implementation.label(),
            c.weight
        );
    }
    println!(
        "  Residual: probabilidad {} ({:.2} %), impacto {} ({:.2} %) → zona {}",
        r.residual_probability,
        r.residual_probability_pct,
        r.residual_impact,
        r.residual_impact_pct,
        r.residual_zone.label()
    );
    println!("  Tratamiento: {}", r.treatment.label());
    if let Some(n) = &r.next_review {
        println!(
            "  Próxima revisión: {n}{}",
            if r.review_overdue {
                " (revisión vencida)"
            } else {
                ""
            }
        );
    }
    if let Some(d) = &r.data {
        println!("  {}: {}", d.label, d.value);
    }
}

pub(crate) fn risk(ctx: &mut Ctx, cmd: RiskCmd) -> Result<(), CoreError> {
    match cmd {
        RiskCmd::List => {
            let risks = ctx.store.risks(ctx.now)?;
            if ctx.json {
                return print_json(&risks);
            }
            for r in &risks {
                println!(
                    "{:<6} {:<9} → {:<9} {}",
                    r.code,
                    r.inherent_zone.label(),
                    r.residual_zone.label(),
                    r.description
                );
            }
            Ok(())
        }
        RiskCmd::Show { code } => {
            let r = ctx.store.risk(&code, ctx.now)?;
            if ctx.json {
                return print_json(&r);
            }
            print_risk(&r);
            Ok(())
        }
        RiskCmd::New(fields) => {
            let mut input = RiskInput::default();
            apply(&mut input, *fields)?;
            let r = ctx.store.create_risk(&ctx.actor, ctx.now, &input)?;
            done(ctx, &r)
        }
        RiskCmd::Set { code, fields } => {
            let current = ctx.store.risk(&code, ctx.now)?;
            let mut input = RiskInput::from_risk(&current);
            apply(&mut input, *fields)?;
            let r = ctx.store.update_risk(&ctx.actor, ctx.now, &code, &input)?;
            done(ctx, &r)
        }
        RiskCmd::Delete { code } => {
            ctx.store.delete_risk(&ctx.actor, ctx.now, &code)?;
            if ctx.json {
                print_json(&serde_json::json!({ "deleted": code }))
            } else {
                println!("Riesgo {code} borrado.");
                Ok(())
            }
        }
        RiskCmd::Control(ControlCmd::Add {
            code,
            kind,
            implementation,
            documented,
            frequency,
            evidence,
            responsible,
            description,
        }) => {
            let input = ControlInput {
                description,
                kind: parse(
                    "tipo de control",
                    &kind,
                    ControlKind::parse,
                    "preventivo, detectivo o correctivo",
                )?,
                implementation: parse(
                    "implementación",
                    &implementation,
                    Implementation::parse,
                    "automatico o manual",
                )?,
                documented,
                frequency: match frequency {
                    Some(f) => parse(
                        "frecuencia",
                        &f,
                        ControlFrequency::parse,
                        "continua o aleatoria",
                    )?,
                    None => ControlFrequency::Continuous,
                },
                evidence,
                responsible,
            };
            let r = ctx
                .store
                .add_risk_control(&ctx.actor, ctx.now, &code, &input)?;
            done(ctx, &r)
        }
        RiskCmd::Control(ControlCmd::Set {
            id,
            kind,
            implementation,
            documented,
            frequency,
            evidence,
            responsible,
            description,
        }) => {
            let map = ctx.store.risk_map(ctx.now)?;
            let c = map
                .risks
                .iter()
                .flat_map(|r| r.controls.iter())
                .find(|c| c.id == id)
                .ok_or_else(|| {
                    CoreError::validation("control", format!("no existe el control número {id}"))
                })?;
            let input = ControlInput {
                description: description.unwrap_or_else(|| c.description.clone()),
                kind: match kind {
                    Some(v) => parse(
                        "tipo de control",
                        &v,
                        ControlKind::parse,
                        "preventivo, detectivo o correctivo",
                    )?,
                    None => c.kind,
                },
                implementation: match implementation {
                    Some(v) => parse(
                        "implementación",
                        &v,
                        Implementation::parse,
                        "automatico o manual",
                    )?,
                    None => c.implementation,
                },
                documented: match documented {
                    Some(v) => yes_no("documentado", &v)?,
                    None => c.documented,
                },
                frequency: match frequency {
                    Some(v) => parse(
                        "frecuencia",
                        &v,
                        ControlFrequency::parse,
                        "continua o aleatoria",
                    )?,
                    None => c.frequency,
                },
                evidence: match evidence {
                    Some(v) => yes_no("evidencia", &v)?,
                    None => c.evidence,
                },
                responsible: responsible.or_else(|| c.responsible.clone()),
            };
            let r = ctx
                .store
                .update_risk_control(&ctx.actor, ctx.now, id, &input)?;
            done(ctx, &r)
        }
        RiskCmd::Control(ControlCmd::Remove { id }) => {
            let r = ctx.store.delete_risk_control(&ctx.actor, ctx.now, id)?;
            done(ctx, &r)
        }
        RiskCmd::Export { xlsx, pdf } => {
            if xlsx.is_none() && pdf.is_none() {
                return Err(CoreError::validation(
                    "mapa de riesgos",
                    "indique --xlsx ARCHIVO y/o --pdf ARCHIVO",
                ));
            }
            if let Some(p) = &xlsx {
                write_file(p, &ctx.store.risk_map_xlsx(ctx.now)?)?;
            }
            if let Some(p) = &pdf {
                write_file(p, &ctx.store.risk_map_pdf(&ctx.actor, ctx.now)?)?;
            }
            if ctx.json {
                print_json(&serde_json::json!({ "xlsx": xlsx, "pdf": pdf }))
            } else {
                for p in xlsx.iter().chain(pdf.iter()) {
                    println!("Mapa de riesgos escrito en {}", p.display());
                }
                Ok(())
            }
        }
    }
}

fn done(ctx: &Ctx, r: &Risk) -> Result<(), CoreError> {
    if ctx.json {
        print_json(r)
    } else {
        print_risk(r);
        Ok(())
    }
}
