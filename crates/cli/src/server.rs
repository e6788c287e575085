//! `mesa server status|migrate` (issue 17): which database this workstation uses, and moving
//! the office's SQLite data onto an empty PostgreSQL database.
//!
//! The workstation's server is `servidor.json` in the data folder (no password); the password
//! goes to the OS credential store (`mesa_mailnet::secrets`, the same store as the mail
//! account's, under the key `postgresql://user@host:port/db`).

use std::path::Path;

use clap::Subcommand;
use mesa_core::db::pg::{self, copy, workstation, PgTarget};
use mesa_core::CoreError;

use crate::{print_json, Ctx};

#[derive(Subcommand)]
pub enum ServerCmd {
    /// Qué base de datos usa este equipo (SQLite local o un servidor PostgreSQL).
    Status,
    /// Copia la base SQLite de este equipo a una base PostgreSQL vacía y pasa el equipo a ella.
    /// Sin --yes solo muestra lo que copiaría. El archivo SQLite queda intacto como respaldo.
    Migrate {
        /// postgresql://usuario:contraseña@equipo:puerto/base
        #[arg(long, value_name = "URL")]
        to: String,
        /// Copiar de verdad (sin esto, solo se muestra el plan).
        #[arg(long)]
        yes: bool,
    },
    /// Vuelve a usar la base SQLite de este equipo (la que quedó como respaldo al pasar al
    /// servidor). No toca los datos del servidor; lo registrado allí no está en la copia SQLite.
    UseLocal,
    /// Muestra, una línea por cambio, lo que los equipos guardan en el servidor (casos,
    /// equipos, planes…) hasta que se interrumpa (Ctrl+C). Con --json, una línea JSON por
    /// cambio. Solo en un equipo que usa un servidor PostgreSQL.
    Watch {
        /// Terminar después de N cambios (para guiones y pruebas).
        #[arg(long, value_name = "N")]
        count: Option<usize>,
    },
}

fn credential_error(e: mesa_mailnet::MailNetError) -> CoreError {
    CoreError::Server {
        detail: format!("almacén de credenciales del sistema: {e}"),
    }
}

/// The password of the workstation's server, from the OS credential store (what
/// `Store::open_workstation` asks for). Absent: the connection is tried without one (a server
/// that trusts this computer), and the server's refusal names the problem.
pub fn stored_password(ws: &workstation::WorkstationServer) -> Result<Option<String>, CoreError> {
    match mesa_mailnet::secrets::get_secret(&ws.credential_key()) {
        Ok(p) => Ok(Some(p)),
        Err(mesa_mailnet::MailNetError::SecretMissing { .. }) => Ok(None),
        Err(e) => Err(credential_error(e)),
    }
}

/// The status when this workstation has no server (the SQLite file), before opening a store.
pub fn status(dir: &Path, json: bool) -> Result<(), CoreError> {
    let db = mesa_core::paths::db_path(dir);
    match workstation::read(dir)? {
        None => {
            if json {
                print_json(&serde_json::json!({
                    "engine": "sqlite",
                    "path": db.display().to_string(),
                }))
            } else {
                println!("Motor: SQLite (base local de este equipo)");
                println!("Archivo: {}", db.display());
                Ok(())
            }
        }
        Some(ws) => {
            let password = mesa_mailnet::secrets::get_secret(&ws.credential_key()).ok();
            let has_password = password.is_some();
            let target = ws.target(password);
            let probe = target.connect().and_then(|mut c| {
                let info = pg::check_server(&mut c)?;
                let v = pg::schema_version(&mut c)?;
                Ok((info, v))
            });
            if json {
                let mut out = serde_json::json!({
                    "engine": "postgresql",
                    "host": ws.host,
                    "port": ws.port,
                    "database": ws.dbname,
                    "user": ws.user,
                    "password_stored": has_password,
                    "migrated_at": ws.migrated_at,
                    "migrated_from": ws.migrated_from,
                });
                match &probe {
                    Ok((info, v)) => {
                        out["connected"] = true.into();
                        out["server_version"] = info.version.clone().into();
                        out["schema_version"] = (*v).into();
                    }
                    Err(e) => {
                        out["connected"] = false.into();
                        out["error"] = e.to_string().into();
                    }
                }
                print_json(&out)
            } else {
                println!("Motor: PostgreSQL");
                println!("Servidor: {}", target.display());
                if !has_password {
                    println!("Contraseña: no está en el almacén de credenciales de este equipo");
                }
                if let Some(at) = &ws.migrated_at {
                    println!(
                        "Datos copiados desde {} ({})",
                        ws.migrated_from.as_deref().unwrap_or("SQLite"),
                        mesa_core::clock::from_db(at)
                            .map(|t| mesa_core::clock::to_local(t)
                                .format("%d/%m/%Y %H:%M")
                                .to_string())
                            .unwrap_or_else(|_| at.clone())
                    );
                }
                match probe {
                    Ok((info, v)) => {
                        println!("Conexión: correcta (PostgreSQL {})", info.version);
                        println!("Esquema: {v}");
                    }
                    Err(e) => println!("Conexión: falló — {e}"),
                }
                Ok(())
            }
        }
    }
}

/// Spanish name of a list a change notice names.
fn list_label(table: &str) -> &str {
    match table {
        "tickets" => "caso",
        "assets" => "equipo",
        "maintenance_plans" => "plan de mantenimiento",
        "maintenance_logs" => "bitácora",
        "plan_findings" => "plan de mejora",
        "risks" => "riesgo",
        "mail_messages" => "correo",
        other => other,
    }
}

/// `mesa server watch`: one line per change committed on the workstation's server, until
/// interrupted (or `count` changes). Needs no store (the notices carry no data, only which
/// list and row changed), like `status`.
pub fn watch(dir: &Path, json: bool, count: Option<usize>) -> Result<(), CoreError> {
    use mesa_core::db::pg::changes::Listener;
    let ws = workstation::read(dir)?.ok_or_else(|| CoreError::Server {
        detail: "este equipo usa su base SQLite local: no hay otros equipos que avisen cambios \
                 (ver «mesa server status»)"
            .into(),
    })?;
    let password = mesa_mailnet::secrets::get_secret(&ws.credential_key()).ok();
    let target = ws.target(password);
    let mut listener = Listener::connect(&target)?;
    // On stderr, so that stdout holds only the changes (scripts wait for this line).
    eprintln!(
        "Escuchando los cambios de {} (Ctrl+C para terminar)…",
        target.display()
    );
    let mut seen = 0usize;
    loop {
        if count.is_some_and(|n| seen >= n) {
            return Ok(());
        }
        for c in listener.wait(std::time::Duration::from_secs(60))? {
            let at = chrono::Utc::now();
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "table": c.table,
                        "id": c.id,
                        "at": mesa_core::clock::to_db(at),
                    })
                );
            } else {
                println!(
                    "{}  {} {}  ({}:{})",
                    mesa_core::clock::to_local(at).format("%d/%m/%Y %H:%M:%S"),
                    list_label(&c.table),
                    c.id,
                    c.table,
                    c.id
                );
            }
            seen += 1;
            if count.is_some_and(|n| seen >= n) {
                return Ok(());
            }
        }
    }
}

pub fn run(ctx: &mut Ctx, dir: &Path, cmd: ServerCmd) -> Result<(), CoreError> {
    match cmd {
        ServerCmd::Status => status(dir, ctx.json),
        ServerCmd::Watch { count } => watch(dir, ctx.json, count),
        ServerCmd::Migrate { to, yes } => migrate(ctx, dir, &to, yes),
        ServerCmd::UseLocal => use_local(ctx, dir),
    }
}

/// Back to the SQLite file: the workstation config is removed (the server's data and the
/// stored password stay). Administrator only, like `migrate`.
fn use_local(ctx: &mut Ctx, dir: &Path) -> Result<(), CoreError> {
    ctx.store
        .authorize(mesa_core::people::Permission::Settings)?;
    let path = workstation::path(dir);
    if workstation::read(dir)?.is_none() {
        println!(
            "Este equipo ya usa su base SQLite ({}).",
            mesa_core::paths::db_path(dir).display()
        );
        return Ok(());
    }
    std::fs::remove_file(&path).map_err(|e| CoreError::Server {
        detail: format!("no se pudo quitar {}: {e}", path.display()),
    })?;
    println!(
        "Este equipo vuelve a usar su base SQLite ({}). Los datos del servidor no se tocaron; lo \
         registrado en el servidor no está en esta copia.",
        mesa_core::paths::db_path(dir).display()
    );
    Ok(())
}

fn migrate(ctx: &mut Ctx, dir: &Path, url: &str, yes: bool) -> Result<(), CoreError> {
    // Moving the office is the administrator's (the same permission as the settings).
    ctx.store
        .authorize(mesa_core::people::Permission::Settings)?;
    if let Some(ws) = workstation::read(dir)? {
        return Err(CoreError::Server {
            detail: format!(
                "este equipo ya usa el servidor {}; no se copió nada",
                ws.target(None).display()
            ),
        });
    }
    let target = PgTarget::parse(url)?;
    let password = target.password.clone().ok_or_else(|| {
        CoreError::validation(
            "--to",
            "falta la contraseña (postgresql://usuario:contraseña@equipo:puerto/base)",
        )
    })?;
    let plan = copy::plan(ctx.store.connection().sqlite_native()?)?;
    let total: i64 = plan.iter().map(|t| t.rows).sum();
    let source = ctx
        .store
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    if !yes {
        // Only reads: the server is checked so that --yes does not fail for a known reason.
        let check = target.connect().and_then(|mut c| {
            let info = pg::check_server(&mut c)?;
            let tables = pg::tables(&mut c)?;
            if !tables.is_empty() {
                return Err(CoreError::Server {
                    detail: format!(
                        "la base de datos de destino no está vacía (tiene {} tablas)",
                        tables.len()
                    ),
                });
            }
            Ok(info)
        });
        if ctx.json {
            return print_json(&serde_json::json!({
                "would_copy": plan,
                "total_rows": total,
                "from": source,
                "to": target.display(),
                "server_ready": check.is_ok(),
                "server_problem": check.as_ref().err().map(|e| e.to_string()),
            }));
        }
        println!("Se copiaría {source} a {}:", target.display());
        for t in &plan {
            println!("  {:<28} {:>9} filas", t.table, t.rows);
        }
        println!(
            "  {:<28} {:>9} filas en {} tablas",
            "Total",
            total,
            plan.len()
        );
        match check {
            Ok(info) => println!("Servidor listo: PostgreSQL {}", info.version),
            Err(e) => println!("El servidor no está listo: {e}"),
        }
        println!("No se copió nada. Repita la orden con --yes para copiar y pasar este equipo al servidor.");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut client = target.connect()?;
    let report = copy::copy(
        ctx.store.connection().sqlite_native()?,
        &mut client,
        &ctx.actor,
    )?;
    drop(client);
    // The password to the OS credential store first: without it the workstation cannot use the
    // server, so it is not switched.
    let mut ws = workstation::WorkstationServer::from_target(&target);
    ws.migrated_at = Some(mesa_core::clock::to_db(ctx.now));
    ws.migrated_from = Some(source.clone());
    mesa_mailnet::secrets::set_secret(&ws.credential_key(), &password).map_err(|e| {
        CoreError::Server {
            detail: format!(
                "los datos se copiaron al servidor, pero la contraseña no se pudo guardar en el \
                 almacén de credenciales ({}); este equipo sigue con SQLite",
                credential_error(e)
            ),
        }
    })?;
    workstation::write(dir, &ws)?;
    if ctx.json {
        print_json(&serde_json::json!({
            "copied": report.tables,
            "total_rows": report.total_rows,
            "sampled_rows": report.sampled_rows,
            "server_version": report.server_version,
            "to": target.display(),
            "seconds": started.elapsed().as_secs_f64(),
        }))
    } else {
        println!(
            "Copiadas {} filas de {} tablas a {} en {:.1} s (conteos iguales; {} filas de muestra \
             comparadas valor por valor).",
            report.total_rows,
            report.tables.len(),
            target.display(),
            started.elapsed().as_secs_f64(),
            report.sampled_rows
        );
        println!("Este equipo usa ahora el servidor PostgreSQL. El archivo {source} quedó intacto como respaldo.");
        Ok(())
    }
}
