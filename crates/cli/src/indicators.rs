//! `mesa indicator …`: indicator sheets (hoja de vida del indicador), values per period with
//! their traffic light, manual values and the analysis per period (issue 18).

use clap::Subcommand;
use mesa_core::maintenance::Frequency;
use mesa_core::management::indicators::{
    fmt_with_unit, Direction, IndicatorKind, IndicatorPatch, IndicatorSheet, IndicatorValue,
    NewIndicator, DEFAULT_TREND_PERIODS,
};
use mesa_core::CoreError;

use crate::{print_json, Ctx};

#[derive(Subcommand)]
pub(crate) enum IndicatorCmd {
    /// Lista los indicadores con el semáforo del último periodo cerrado y del actual, y las
    /// sugerencias «abrir hallazgo».
    List,
    /// Muestra la hoja de vida de un indicador.
    Show { code: String },
    /// Cambia la hoja de vida: meta, rangos del semáforo, frecuencia, responsable, nombre…
    Set {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        objective: Option<String>,
        #[arg(long)]
        process: Option<String>,
        /// eficacia, eficiencia o efectividad.
        #[arg(long)]
        kind: Option<String>,
        /// Solo para indicadores manuales (la de los calculados es la del anexo del informe).
        #[arg(long)]
        formula: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        /// mensual, bimestral, trimestral, semestral o anual.
        #[arg(long)]
        frequency: Option<String>,
        /// Meta.
        #[arg(long, allow_hyphen_values = true)]
        target: Option<f64>,
        /// Límite del rango satisfactorio.
        #[arg(long, allow_hyphen_values = true)]
        satisfactory: Option<f64>,
        /// Límite del rango aceptable (más allá, crítico).
        #[arg(long, allow_hyphen_values = true)]
        acceptable: Option<f64>,
        /// up (mayor es mejor) o down (menor es mejor).
        #[arg(long)]
        direction: Option<String>,
        /// Responsable de medir.
        #[arg(long)]
        owner: Option<String>,
        /// Responsable de analizar.
        #[arg(long)]
        analyst: Option<String>,
        /// Fuente de los datos.
        #[arg(long)]
        source: Option<String>,
    },
    /// Crea un indicador manual (su valor se digita por periodo).
    New {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        unit: String,
        /// mensual, bimestral, trimestral, semestral o anual.
        #[arg(long)]
        frequency: String,
        #[arg(long, allow_hyphen_values = true)]
        target: f64,
        /// Por omisión, la meta.
        #[arg(long, allow_hyphen_values = true)]
        satisfactory: Option<f64>,
        /// Por omisión, el límite satisfactorio.
        #[arg(long, allow_hyphen_values = true)]
        acceptable: Option<f64>,
        /// up (mayor es mejor, por omisión) o down (menor es mejor).
        #[arg(long, default_value = "up")]
        direction: String,
        #[arg(long)]
        formula: String,
        /// eficacia (por omisión), eficiencia o efectividad.
        #[arg(long, default_value = "eficacia")]
        kind: String,
        #[arg(long, default_value = "")]
        objective: String,
        #[arg(long, default_value = "")]
        process: String,
        #[arg(long, default_value = "")]
        owner: String,
        #[arg(long, default_value = "")]
        analyst: String,
        #[arg(long, default_value = "")]
        source: String,
    },
    /// Digita el valor de un indicador manual en un periodo (AAAA-MM).
    Value {
        code: String,
        #[arg(long)]
        period: String,
        #[arg(long, allow_hyphen_values = true)]
        value: f64,
        #[arg(long)]
        analysis: Option<String>,
    },
    /// Valores de los últimos periodos (tendencia) con su semáforo.
    Values {
        code: String,
        #[arg(long, default_value_t = DEFAULT_TREND_PERIODS)]
        periods: usize,
    },
    /// Guarda el análisis de un periodo (AAAA-MM).
    Analysis {
        code: String,
        #[arg(long)]
        period: String,
        #[arg(long)]
        text: String,
    },
}

fn frequency(s: &str) -> Result<Frequency, CoreError> {
    Frequency::parse(s).ok_or_else(|| {
        CoreError::validation(
            "frecuencia",
            format!("«{s}»: use mensual, bimestral, trimestral, semestral o anual"),
        )
    })
}

fn direction(s: &str) -> Result<Direction, CoreError> {
    Direction::parse(s).ok_or_else(|| {
        CoreError::validation(
            "dirección",
            format!("«{s}»: use up (mayor es mejor) o down (menor es mejor)"),
        )
    })
}

fn kind(s: &str) -> Result<IndicatorKind, CoreError> {
    IndicatorKind::parse(s).ok_or_else(|| {
        CoreError::validation(
            "tipo",
            format!("«{s}»: use eficacia, eficiencia o efectividad"),
        )
    })
}

fn value_text(v: &IndicatorValue, unit: &str) -> String {
    v.value
        .map(|x| fmt_with_unit(x, unit))
        .unwrap_or_else(|| "sin datos".into())
}

fn light_text(v: &IndicatorValue) -> &'static str {
    v.light.map(|l| l.label()).unwrap_or("—")
}

fn print_sheet(s: &IndicatorSheet) {
    println!("{} — {}", s.code, s.name);
    println!(
        "  Tipo: {}   Frecuencia: {}   Unidad: {}   {}",
        s.kind.label(),
        s.frequency_label,
        s.unit,
        if s.computed {
            "Calculado con los datos"
        } else {
            "Manual"
        }
    );
    println!(
        "  Meta: {}   Satisfactorio: {}   Aceptable: {}   ({})",
        s.target_text(),
        fmt_with_unit(s.satisfactory, &s.unit),
        fmt_with_unit(s.acceptable, &s.unit),
        s.direction.label()
    );
    println!("  Objetivo: {}", s.objective);
    println!("  Proceso: {}", s.process);
    println!("  Fórmula: {}", s.formula);
    println!(
        "  Responsable de medir: {}   de analizar: {}",
        s.owner_measure, s.owner_analysis
    );
    println!("  Fuente: {}", s.source);
}

pub(crate) fn indicator(ctx: &mut Ctx, cmd: IndicatorCmd) -> Result<(), CoreError> {
    match cmd {
        IndicatorCmd::List => {
            let o = ctx.store.indicator_overview(ctx.now)?;
            if ctx.json {
                return print_json(&o);
            }
            for r in &o.indicators {
                let s = &r.sheet;
                println!(
                    "{:<8} {:<48} {:<14} {} {:<14} {:<13} {} {}",
                    s.code,
                    s.name,
                    s.target_text(),
                    r.last.label,
                    value_text(&r.last, &s.unit),
                    light_text(&r.last),
                    r.current.label,
                    value_text(&r.current, &s.unit),
                );
            }
            for g in &o.suggestions {
                println!(
                    "Sugerencia: abrir hallazgo — {} en crítico en {} y {}",
                    g.code, g.first_label, g.last_label
                );
            }
            Ok(())
        }
        IndicatorCmd::Show { code } => {
            let s = ctx.store.indicator_sheet(&code)?;
            if ctx.json {
                return print_json(&s);
            }
            print_sheet(&s);
            Ok(())
        }
        IndicatorCmd::Set {
            code,
            name,
            objective,
            process,
            kind: k,
            formula,
            unit,
            frequency: f,
            target,
            satisfactory,
            acceptable,
            direction: d,
            owner,
            analyst,
            source,
        } => {
            let patch = IndicatorPatch {
                name,
                objective,
                process,
                kind: k.as_deref().map(kind).transpose()?,
                formula,
                unit,
                frequency: f.as_deref().map(frequency).transpose()?,
                target,
                satisfactory,
                acceptable,
                direction: d.as_deref().map(direction).transpose()?,
                owner_measure: owner,
                owner_analysis: analyst,
                source,
            };
            let s = ctx
                .store
                .update_indicator(&code, &patch, &ctx.actor, ctx.now)?;
            if ctx.json {
                return print_json(&s);
            }
            print_sheet(&s);
            Ok(())
        }
        IndicatorCmd::New {
            code,
            name,
            unit,
            frequency: f,
            target,
            satisfactory,
            acceptable,
            direction: d,
            formula,
            kind: k,
            objective,
            process,
            owner,
            analyst,
            source,
        } => {
            let satisfactory = satisfactory.unwrap_or(target);
            let input = NewIndicator {
                code,
                name,
                objective,
                process,
                kind: kind(&k)?,
                formula,
                unit,
                frequency: frequency(&f)?,
                target,
                satisfactory,
                acceptable: acceptable.unwrap_or(satisfactory),
                direction: direction(&d)?,
                owner_measure: owner,
                owner_analysis: analyst,
                source,
            };
            let s = ctx.store.create_indicator(&input, &ctx.actor, ctx.now)?;
            if ctx.json {
                return print_json(&s);
            }
            print_sheet(&s);
            Ok(())
        }
        IndicatorCmd::Value {
            code,
            period,
            value,
            analysis,
        } => {
            let v = ctx.store.set_indicator_value(
                &code,
                &period,
                value,
                analysis.as_deref(),
                &ctx.actor,
                ctx.now,
            )?;
            print_value(ctx, &code, &v)
        }
        IndicatorCmd::Analysis { code, period, text } => {
            let v = ctx
                .store
                .set_indicator_analysis(&code, &period, &text, &ctx.actor, ctx.now)?;
            print_value(ctx, &code, &v)
        }
        IndicatorCmd::Values { code, periods } => {
            let s = ctx.store.indicator_sheet(&code)?;
            let vals = ctx.store.indicator_values(&code, periods, ctx.now)?;
            if ctx.json {
                return print_json(&vals);
            }
            println!("{} — {} (meta {})", s.code, s.name, s.target_text());
            for v in &vals {
                println!(
                    "  {:<8} {:<20} {:<16} {:<13} {}{}",
                    v.period,
                    v.label,
                    value_text(v, &s.unit),
                    light_text(v),
                    if v.closed { "" } else { "(en curso) " },
                    v.analysis.replace('\n', " ")
                );
            }
            Ok(())
        }
    }
}

fn print_value(ctx: &Ctx, code: &str, v: &IndicatorValue) -> Result<(), CoreError> {
    if ctx.json {
        return print_json(v);
    }
    let s = ctx.store.indicator_sheet(code)?;
    println!(
        "{} {}: {} — {}",
        s.code,
        v.label,
        value_text(v, &s.unit),
        light_text(v)
    );
    if !v.analysis.is_empty() {
        println!("  Análisis: {}", v.analysis);
    }
    Ok(())
}
