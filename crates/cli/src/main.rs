//! `mesa`: the headless command line over the same core as the app.
//! Every command honours the global `--data-dir`, `--now`, `--json` and `--user` (with
//! `MESA_PASSWORD`, once the database has accounts).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use mesa_core::clock::parse_time_input;
use mesa_core::{paths, ApiError, CoreError, Store};

mod accounts;
mod agenda;
mod assets;
mod attachments;
mod backup;
mod bench;
mod casework;
mod import;
mod indicators;
mod links;
mod mail;
mod mailnet_cmds;
mod plans;
mod report;
mod risks;
mod server;
mod settings;
mod tickets;

use tickets::CaseFilters;

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
    /// Usuario de la cuenta con la que actúa (también MESA_USER); su contraseña en
    /// MESA_PASSWORD o se pide en la terminal. Sin cuentas en la base, es el nombre que queda en
    /// la línea de tiempo (por omisión «Técnico de sistemas»). `--as` es el nombre antiguo.
    #[arg(long = "user", alias = "as", global = true, value_name = "USUARIO")]
    user: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Casos (tickets).
    Ticket(Box<tickets::TicketArgs>),
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
    /// Agenda de visitas: `agenda [--from D] [--to D] [--ics F]` (por omisión, la semana desde hoy).
    Agenda(agenda::AgendaArgs),
    /// Cuentas: `account new|from-staff|list|password|set|deactivate|activate`.
    #[command(subcommand)]
    Account(accounts::AccountCmd),
    /// Registro de accesos: ingresos, cierres, intentos fallidos, bloqueos y cambios de cuentas.
    AccessLog {
        /// Cuántas entradas (0: todas).
        #[arg(long, default_value_t = 200)]
        limit: i64,
    },
    /// Mapa de riesgos (guía del DAFP): `risk list|show|new|set|delete|control|export`.
    #[command(subcommand)]
    Risk(risks::RiskCmd),
    /// Plan de mejoramiento: hallazgos, acciones, seguimientos, verificación, exportación.
    #[command(subcommand, name = "plan-mejora")]
    PlanMejora(plans::PlanCmd),
    /// Indicadores de gestión: `indicator list|show|set|new|value|values|analysis`.
    #[command(subcommand)]
    Indicator(indicators::IndicatorCmd),
    /// Correo: importar .eml, Bandeja de entrada (registrar, descartar), bandeja de salida,
    /// plantillas.
    #[command(subcommand)]
    Mail(mail::MailCmd),
    /// Varios equipos (PostgreSQL): `server status [--json]`, `server migrate --to URL [--yes]`,
    /// `server watch [--json]`.
    #[command(subcommand)]
    Server(server::ServerCmd),
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

pub(crate) struct Ctx {
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
        Some(s) => Some(parse_time_input("--now", s)?),
        None => None,
    };
    let dir = paths::data_dir(cli.data_dir.as_deref())?;
    if let Cmd::Backup(b) = &cli.cmd {
        if let Some(done) = backup::restore_if_damaged(
            &paths::db_path(&dir),
            b,
            now.unwrap_or_else(Utc::now),
            cli.json,
        ) {
            return done;
        }
    }
    if let Cmd::Server(server::ServerCmd::Status) = &cli.cmd {
        return server::status(&dir, cli.json);
    }
    if let Cmd::Server(server::ServerCmd::Watch { count }) = &cli.cmd {
        return server::watch(&dir, cli.json, *count);
    }
    // The workstation's database: the server of its `servidor.json` (password from the OS
    // credential store), else its SQLite file. A switched workstation never writes its old
    // SQLite copy.
    let store = Store::open_workstation(&dir, server::stored_password)?;
    // "Now" without --now: the server's clock on PostgreSQL (a workstation with a wrong clock
    // cannot misdate a case), this computer's on SQLite.
    let now = match now {
        Some(t) => t,
        None => store.clock_now()?,
    };
    let mut store = store;
    let user = cli.user.clone().or_else(|| {
        std::env::var("MESA_USER")
            .ok()
            .filter(|v| !v.trim().is_empty())
    });
    // With accounts, every command but the harmless ones acts as a logged-in account.
    let needs_login = !matches!(
        cli.cmd,
        Cmd::Info
            | Cmd::Holidays { .. }
            | Cmd::BenchImport { .. }
            | Cmd::BenchReads { .. }
            | Cmd::BenchReport { .. }
    );
    let actor = if store.accounts_enabled()? && needs_login {
        accounts::login(&mut store, user, now)?
    } else {
        user.unwrap_or_else(|| mesa_core::settings::DEFAULT_ACTOR.to_string())
    };
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
        Cmd::Ticket(t) => tickets::ticket(&mut ctx, *t),
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
            let n = mesa_core::tickets::demo::generate(&mut ctx.store, cases, seed, ctx.now)?;
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
        Cmd::Settings(c) => settings::settings(&mut ctx.store, c, ctx.now),
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
        Cmd::Agenda(a) => agenda::agenda(&mut ctx, a),
        Cmd::Account(a) => accounts::account(&mut ctx, a),
        Cmd::AccessLog { limit } => accounts::access_log(&ctx, limit),
        Cmd::Risk(c) => risks::risk(&mut ctx, c),
        Cmd::PlanMejora(c) => plans::run(&mut ctx, c),
        Cmd::Indicator(c) => indicators::indicator(&mut ctx, c),
        Cmd::Mail(c) => mail::mail(&mut ctx, c),
        Cmd::Server(c) => server::run(&mut ctx, &dir, c),
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
