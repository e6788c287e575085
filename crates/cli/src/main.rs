//! `mesa`: the headless command line over the same core as the app.
//! Every command honours the global `--data-dir`, `--now`, `--json` and `--as`.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use mesa_core::clock::parse_time_input;
use mesa_core::{
    paths, ApiError, CoreError, NewTicket, Store, TicketAction, TicketQuery, TicketStatus,
};

mod assets;
mod backup;
mod bench;
mod import;
mod report;
mod settings;

#[derive(Parser)]
#[command(name = "mesa", version, about = "Mesa de Ayuda TI — línea de comandos")]
struct Cli {
    /// Carpeta de datos (también MESA_DATA_DIR); por omisión la del usuario en el sistema.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Salida en JSON.
    #[arg(long, global = true)]
    json: bool,
    /// «Ahora» para reglas de tiempo: RFC 3339 o AAAA-MM-DDTHH:MM (hora de Bogotá).
    #[arg(long, global = true, value_name = "TIME")]
    now: Option<String>,
    /// Quién actúa (queda en la línea de tiempo). Por omisión MESA_USER o «Técnico de sistemas».
    #[arg(long = "as", global = true, value_name = "NOMBRE")]
    actor: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Casos (tickets).
    #[command(subcommand)]
    Ticket(Box<TicketCmd>),
    /// Cierra los casos solucionados cuya encuesta no se respondió en el plazo.
    Autoclose,
    /// Genera datos de demostración realistas (claramente marcados).
    Demo {
        #[arg(long, default_value_t = 200)]
        cases: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Mide la velocidad de las consultas sobre los datos actuales.
    Bench {
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// Imprime el tiempo de cada consulta.
        #[arg(long)]
        verbose: bool,
    },
    /// Importa casos o inventarios desde Excel, LibreOffice o CSV; `import list`, `import undo LOTE`.
    Import(import::ImportArgs),
    /// Mide la importación de un libro grande generado frente a calamine solo.
    BenchImport {
        /// Filas del libro generado (15 columnas).
        #[arg(long, default_value_t = 100_000)]
        rows: u32,
    },
    /// Mide la lista de casos leída mientras una importación grande confirma (lectores WAL
    /// frente a un solo candado compartido).
    BenchReads {
        /// Filas del libro importado.
        #[arg(long, default_value_t = 100_000)]
        rows: u32,
        /// Casos de demostración ya guardados antes de importar.
        #[arg(long, default_value_t = 20_000)]
        base: usize,
    },
    /// Catálogos: dependencias, tipos de servicio, funcionarios, preguntas.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Recalcula los vencimientos de todos los casos con el calendario vigente.
    Recompute,
    /// Muestra la carpeta de datos y la versión.
    Info,
    /// Copias de seguridad: crear, listar, verificar, restaurar.
    #[command(subcommand)]
    Backup(backup::BackupCmd),
    /// Registro de auditoría: listar y exportar.
    #[command(subcommand)]
    Audit(backup::AuditCmd),
    /// Datos personales (Ley 1581 de 2012): exportar o anonimizar a una persona.
    #[command(subcommand)]
    Person(backup::PersonCmd),
    /// Ajustes generales (entidad, prefijo, plazos).
    #[command(subcommand)]
    Settings(settings::SettingsCmd),
    /// Calendario hábil (horario, días y periodos sin atención, festivos).
    #[command(subcommand)]
    Calendar(settings::CalendarCmd),
    /// Equipos y su hoja de vida.
    #[command(subcommand)]
    Asset(Box<assets::AssetCmd>),
    /// Plan de mantenimiento preventivo por vigencia.
    #[command(subcommand)]
    Plan(Box<assets::PlanCmd>),
    /// Bitácoras de mantenimiento.
    #[command(subcommand)]
    Log(Box<assets::LogCmd>),
    /// Cronograma de mantenimiento en XLSX y/o PDF.
    Cronograma {
        #[arg(long)]
        year: i64,
        #[arg(long)]
        xlsx: Option<PathBuf>,
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Informes: `report helpdesk --from D --to D [--pdf F] [--xlsx F]`, `report save`, `report list`.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Exportaciones: `export cases --from D --to D --xlsx F | --csv F` con los filtros de la lista.
    #[command(subcommand)]
    Export(report::ExportCmd),
    /// Mide el informe anual (PDF, XLSX) y la exportación de casos frente a rust_xlsxwriter solo.
    BenchReport {
        /// Casos del año del informe.
        #[arg(long, default_value_t = 20_000)]
        cases: usize,
        /// Casos de la exportación a XLSX.
        #[arg(long, default_value_t = 100_000)]
        export_cases: usize,
    },
    /// Festivos de Colombia de un año.
    Holidays {
        #[arg(long)]
        year: i32,
    },
}

#[derive(Subcommand)]
enum CatalogCmd {
    /// Lista todos los catálogos.
    List,
    /// Agrega o actualiza un funcionario.
    Staff {
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        level: i64,
    },
    #[command(flatten)]
    Edit(settings::CatalogEdit),
}

#[derive(Args)]
struct NewArgs {
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

#[derive(Subcommand)]
enum TicketCmd {
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
    },
    /// Verifica la solución con el solicitante y cierra el caso.
    Verify { number: String },
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
}

struct Ctx {
    store: Store,
    now: DateTime<Utc>,
    json: bool,
    actor: String,
}

pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), CoreError> {
    mesa_core::files::write_output(path, bytes)
}

pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> Result<(), CoreError> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                let err = ApiError::from(&e);
                eprintln!("{}", serde_json::to_string(&err).unwrap_or_default());
            } else {
                eprintln!("Error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CoreError> {
    let now = match &cli.now {
        Some(s) => parse_time_input("--now", s)?,
        None => Utc::now(),
    };
    let dir = paths::data_dir(cli.data_dir.as_deref())?;
    if let Cmd::Backup(b) = &cli.cmd {
        if let Some(done) = backup::restore_if_damaged(&paths::db_path(&dir), b, now, cli.json) {
            return done;
        }
    }
    let store = Store::open(&paths::db_path(&dir))?;
    let actor = cli
        .actor
        .or_else(|| {
            std::env::var("MESA_USER")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| "Técnico de sistemas".to_string());
    let mut ctx = Ctx {
        store,
        now,
        json: cli.json,
        actor,
    };
    ctx.store.set_session(&ctx.actor, Some(now));
    // Once a day at first use (any command but the backup ones): a verified daily backup.
    if !matches!(cli.cmd, Cmd::Backup(_) | Cmd::Info) {
        if let Err(e) = ctx.store.ensure_daily_backup(now) {
            eprintln!("Aviso: no se pudo hacer la copia de seguridad diaria: {e}");
        }
    }
    match cli.cmd {
        Cmd::Ticket(t) => ticket(&mut ctx, *t),
        Cmd::Autoclose => {
            let closed = ctx.store.autoclose(ctx.now)?;
            if ctx.json {
                print_json(&serde_json::json!({ "closed": closed }))
            } else {
                println!("Casos cerrados automáticamente: {}", closed.len());
                for n in closed {
                    println!("  {n}");
                }
                Ok(())
            }
        }
        Cmd::Demo { cases, seed } => {
            let started = std::time::Instant::now();
            let n = mesa_core::demo::generate(&mut ctx.store, cases, seed, ctx.now)?;
            if ctx.json {
                print_json(&serde_json::json!({ "created": n }))
            } else {
                println!(
                    "Casos de demostración creados: {n} ({:.1} s)",
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            }
        }
        Cmd::Bench { runs, verbose } => {
            bench::run(&mut ctx.store, ctx.now, runs, ctx.json, verbose)
        }
        Cmd::Import(args) => import::run(&mut ctx, args),
        Cmd::BenchImport { rows } => import::bench(rows, ctx.json),
        Cmd::BenchReads { rows, base } => import::bench_reads(rows, base, ctx.json),
        Cmd::Catalog(c) => match c {
            CatalogCmd::List => {
                let c = ctx.store.catalogs()?;
                if ctx.json {
                    print_json(&c)
                } else {
                    println!("Dependencias:");
                    for d in &c.departments {
                        println!("  {d}");
                    }
                    println!("Tipos de servicio (nivel, respuesta h, solución h, asignado):");
                    for s in &c.service_types {
                        println!(
                            "  {} — {} — {} h — {} h — {}",
                            s.name,
                            s.default_level,
                            s.response_minutes / 60,
                            s.resolution_minutes / 60,
                            s.default_assignee.as_deref().unwrap_or("-")
                        );
                    }
                    println!("Funcionarios:");
                    for s in &c.staff {
                        println!("  {} — {} — nivel {}", s.name, s.role, s.level);
                    }
                    Ok(())
                }
            }
            CatalogCmd::Edit(e) => settings::catalog_edit(&mut ctx.store, e),
            CatalogCmd::Staff { name, role, level } => {
                ctx.store.upsert_staff(&name, &role, level)?;
                if ctx.json {
                    print_json(&serde_json::json!({ "saved": name }))
                } else {
                    println!("Funcionario guardado: {name}");
                    Ok(())
                }
            }
        },
        Cmd::Recompute => {
            let n = ctx.store.recompute_all_deadlines()?;
            if ctx.json {
                print_json(&serde_json::json!({ "recomputed": n }))
            } else {
                println!("Vencimientos recalculados: {n}");
                Ok(())
            }
        }
        Cmd::Settings(c) => settings::settings(&mut ctx.store, c),
        Cmd::Calendar(c) => settings::calendar(&mut ctx.store, c, ctx.json),
        Cmd::Asset(c) => assets::asset(&mut ctx.store, *c, &ctx.actor, ctx.now, ctx.json),
        Cmd::Plan(c) => assets::plan(&mut ctx.store, *c, &ctx.actor, ctx.now, ctx.json),
        Cmd::Log(c) => assets::log(&mut ctx.store, *c, &ctx.actor, ctx.now, ctx.json),
        Cmd::Cronograma { year, xlsx, pdf } => {
            assets::cronograma(&ctx.store, year, xlsx, pdf, ctx.now, ctx.json)
        }
        Cmd::Holidays { year } => settings::print_holidays(year, ctx.json),
        Cmd::Report(r) => report::report(&mut ctx.store, r, &ctx.actor, ctx.now, ctx.json),
        Cmd::Export(e) => report::export(&ctx.store, e, ctx.now, ctx.json),
        Cmd::BenchReport {
            cases,
            export_cases,
        } => report::bench(cases, export_cases, ctx.json),
        Cmd::Backup(b) => backup::backup(&mut ctx.store, b, ctx.now, ctx.json),
        Cmd::Audit(a) => backup::audit(&ctx.store, a, ctx.json),
        Cmd::Person(p) => backup::person(&mut ctx.store, p, &ctx.actor, ctx.now, ctx.json),
        Cmd::Info => {
            let info = mesa_core::AppInfo {
                version: mesa_core::VERSION.to_string(),
                data_dir: dir.display().to_string(),
                db_path: paths::db_path(&dir).display().to_string(),
            };
            if ctx.json {
                print_json(&info)
            } else {
                println!("Mesa de Ayuda TI {}", info.version);
                println!("Carpeta de datos: {}", info.data_dir);
                println!("Base de datos:    {}", info.db_path);
                Ok(())
            }
        }
    }
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

fn ticket(ctx: &mut Ctx, cmd: TicketCmd) -> Result<(), CoreError> {
    let action = |ctx: &mut Ctx, number: &str, a: TicketAction| -> Result<(), CoreError> {
        let t = ctx.store.apply_action(number, &a, &ctx.actor, ctx.now)?;
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
                let mut v = serde_json::to_value(&d.ticket)?;
                v["events"] = serde_json::to_value(&d.events)?;
                print_json(&v)
            } else {
                let t = &d.ticket;
                println!("Caso {} — {}", t.number, t.status.label());
                println!("Solicitante: {} ({})", t.requester, t.department);
                println!("Recibido: {}", t.received_at.as_deref().unwrap_or("-"));
                println!("Tipo: {}", t.service_type.as_deref().unwrap_or("-"));
                println!("Nivel {} — prioridad {}", t.level, t.priority);
                println!("Asignado: {}", t.assignee.as_deref().unwrap_or("-"));
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
        } => action(
            ctx,
            &number,
            TicketAction::Resolve {
                solution,
                products,
                time_spent_minutes: minutes,
            },
        ),
        TicketCmd::Verify { number } => action(ctx, &number, TicketAction::Verify),
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
        TicketCmd::Mailto { number } => {
            let url = ctx.store.survey_mailto(&number)?;
            if ctx.json {
                print_json(&serde_json::json!({ "mailto": url }))
            } else {
                println!("{url}");
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every subcommand, at every depth, says what it does in `--help` (issue 12: `mesa ticket
    /// --help` showed blank lines for assign, start, hold, …).
    #[test]
    fn every_subcommand_has_a_help_line() {
        fn walk(c: &clap::Command, path: String, missing: &mut Vec<String>) {
            for sub in c.get_subcommands() {
                let p = format!("{path} {}", sub.get_name());
                if sub
                    .get_about()
                    .is_none_or(|a| a.to_string().trim().is_empty())
                {
                    missing.push(p.clone());
                }
                walk(sub, p, missing);
            }
        }
        let mut missing = vec![];
        walk(&super::Cli::command(), "mesa".into(), &mut missing);
        assert!(missing.is_empty(), "sin línea de ayuda: {missing:?}");
    }
}
