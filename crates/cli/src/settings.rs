//! `mesa settings …`, `mesa calendar …`, `mesa holidays`, and the catalog edits beyond staff.

use clap::Subcommand;
use mesa_core::settings::catalogs::{holidays, LevelTarget, PriorityCell};
use mesa_core::settings::CalendarConfig;
use mesa_core::{CoreError, ServiceType, Store};

#[derive(Subcommand)]
pub enum SettingsCmd {
    /// Muestra los ajustes generales.
    Show,
    /// Da por terminada la configuración inicial (el asistente de primer uso no se muestra más).
    SetupDone,
    /// Logo de la entidad (PNG) para el encabezado de los PDF; --remove lo quita.
    Logo {
        file: Option<std::path::PathBuf>,
        #[arg(long)]
        remove: bool,
    },
    /// Cambia ajustes generales (solo los indicados).
    Set {
        #[arg(long)]
        entity_name: Option<String>,
        #[arg(long)]
        entity_nit: Option<String>,
        #[arg(long)]
        prefix: Option<String>,
        #[arg(long)]
        survey_days: Option<i64>,
        #[arg(long)]
        response_minutes: Option<i64>,
        #[arg(long)]
        resolution_minutes: Option<i64>,
        #[arg(long)]
        due_soon_minutes: Option<i64>,
        /// Proceso del encabezado del informe (formato de calidad).
        #[arg(long)]
        report_process: Option<String>,
        /// Código del documento del informe (p. ej. FO-TIC-07).
        #[arg(long)]
        report_code: Option<String>,
        /// Versión del documento del informe.
        #[arg(long)]
        report_version: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// Muestra el calendario hábil (JSON).
    Show,
    /// Reemplaza el calendario con un archivo JSON y recalcula los vencimientos.
    Set { file: std::path::PathBuf },
}

#[derive(Subcommand)]
pub enum CatalogEdit {
    /// Agrega (o reactiva) una dependencia.
    DepartmentAdd { name: String },
    /// Oculta una dependencia del catálogo (los casos no cambian).
    DepartmentHide { name: String },
    /// Agrega o actualiza un tipo de servicio.
    Type {
        name: String,
        #[arg(long, default_value_t = 1)]
        level: i64,
        #[arg(long, default_value_t = 12.0)]
        response_hours: f64,
        #[arg(long, default_value_t = 48.0)]
        resolution_hours: f64,
        #[arg(long)]
        assignee: Option<String>,
    },
    /// Cambia una celda de la matriz urgencia × impacto.
    Priority {
        urgency: i64,
        impact: i64,
        priority: String,
    },
    /// Reemplaza las preguntas de la encuesta (3 a 5).
    Questions { questions: Vec<String> },
    /// Tiempos de respuesta y solución de un nivel (para un tipo de servicio o para todos).
    Sla {
        #[arg(long)]
        level: i64,
        #[arg(long = "type")]
        service_type: Option<String>,
        #[arg(long)]
        response_hours: f64,
        #[arg(long)]
        resolution_hours: f64,
    },
    /// Quita los tiempos propios de un nivel.
    SlaRemove {
        #[arg(long)]
        level: i64,
        #[arg(long = "type")]
        service_type: Option<String>,
    },
}

fn print<T: serde::Serialize>(v: &T) -> Result<(), CoreError> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub fn settings(
    store: &mut Store,
    cmd: SettingsCmd,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), CoreError> {
    match cmd {
        SettingsCmd::Show => print(&store.app_settings()?),
        SettingsCmd::SetupDone => {
            let actor = store
                .principal()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| mesa_core::settings::DEFAULT_ACTOR.to_string());
            store.complete_setup(&actor, now)?;
            println!("Configuración inicial terminada.");
            Ok(())
        }
        SettingsCmd::Logo { file, remove } => {
            if remove {
                store.set_entity_logo(None)?;
                println!("Logo quitado");
                return Ok(());
            }
            let file = file.ok_or_else(|| {
                CoreError::validation("logo", "indique el archivo PNG o --remove")
            })?;
            let bytes = std::fs::read(&file).map_err(|source| CoreError::Io {
                path: file.display().to_string(),
                source,
            })?;
            store.set_entity_logo(Some(&bytes))?;
            println!("Logo guardado: {}", file.display());
            Ok(())
        }
        SettingsCmd::Set {
            entity_name,
            entity_nit,
            prefix,
            survey_days,
            response_minutes,
            resolution_minutes,
            due_soon_minutes,
            report_process,
            report_code,
            report_version,
        } => {
            let mut s = store.app_settings()?;
            if let Some(v) = entity_name {
                s.entity_name = v;
            }
            if let Some(v) = entity_nit {
                s.entity_nit = v;
            }
            if let Some(v) = prefix {
                s.ticket_prefix = v;
            }
            if let Some(v) = survey_days {
                s.survey_business_days = v;
            }
            if let Some(v) = response_minutes {
                s.default_response_minutes = v;
            }
            if let Some(v) = resolution_minutes {
                s.default_resolution_minutes = v;
            }
            if let Some(v) = due_soon_minutes {
                s.due_soon_minutes = v;
            }
            if let Some(v) = report_process {
                s.report_process = v;
            }
            if let Some(v) = report_code {
                s.report_code = v;
            }
            if let Some(v) = report_version {
                s.report_version = v;
            }
            print(&store.set_app_settings(&s)?)
        }
    }
}

pub fn calendar(store: &mut Store, cmd: CalendarCmd, json: bool) -> Result<(), CoreError> {
    match cmd {
        CalendarCmd::Show => print(&store.calendar_config()?),
        CalendarCmd::Set { file } => {
            let text = std::fs::read_to_string(&file).map_err(|source| CoreError::Io {
                path: file.display().to_string(),
                source,
            })?;
            let cfg: CalendarConfig = serde_json::from_str(&text).map_err(|e| {
                CoreError::validation(
                    "calendario",
                    format!("«{}» no es un calendario JSON válido: {e}", file.display()),
                )
            })?;
            let n = store.set_calendar(&cfg)?;
            if json {
                print(&serde_json::json!({ "recomputed": n }))
            } else {
                println!("Calendario guardado; vencimientos recalculados: {n}");
                Ok(())
            }
        }
    }
}

pub fn print_holidays(year: i32, json: bool) -> Result<(), CoreError> {
    let h = holidays(year);
    if json {
        return print(&h);
    }
    for d in h {
        println!("{}  {}", d.date, d.name);
    }
    Ok(())
}

pub fn catalog_edit(store: &mut Store, cmd: CatalogEdit) -> Result<(), CoreError> {
    match cmd {
        CatalogEdit::DepartmentAdd { name } => {
            let n = store.add_department(&name)?;
            println!("Dependencia en el catálogo: {n}");
        }
        CatalogEdit::DepartmentHide { name } => {
            store.set_department_active(&name, false)?;
            println!("Dependencia oculta: {name}");
        }
        CatalogEdit::Type {
            name,
            level,
            response_hours,
            resolution_hours,
            assignee,
        } => {
            store.upsert_service_type(&ServiceType {
                name: name.clone(),
                default_level: level,
                response_minutes: (response_hours * 60.0).round() as i64,
                resolution_minutes: (resolution_hours * 60.0).round() as i64,
                default_assignee: assignee,
            })?;
            println!("Tipo de servicio guardado: {name}");
        }
        CatalogEdit::Priority {
            urgency,
            impact,
            priority,
        } => {
            store.set_priority(&PriorityCell {
                urgency,
                impact,
                priority,
            })?;
            println!("Matriz de prioridad actualizada");
        }
        CatalogEdit::Sla {
            level,
            service_type,
            response_hours,
            resolution_hours,
        } => {
            store.set_level_target(&LevelTarget {
                service_type,
                level,
                response_minutes: (response_hours * 60.0).round() as i64,
                resolution_minutes: (resolution_hours * 60.0).round() as i64,
            })?;
            println!("Tiempos del nivel {level} guardados");
        }
        CatalogEdit::SlaRemove {
            level,
            service_type,
        } => {
            store.remove_level_target(service_type.as_deref(), level)?;
            println!("Tiempos propios del nivel {level} quitados");
        }
        CatalogEdit::Questions { questions } => {
            store.set_survey_questions(&questions)?;
            println!("Preguntas de la encuesta guardadas: {}", questions.len());
        }
    }
    Ok(())
}
