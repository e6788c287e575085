//! `mesa server status|migrate` (issue 17): which database this workstation uses, and moving
//! the office's SQLite data onto an empty PostgreSQL database.
//!
//! The workstation's server is `servidor.json` in the data folder (no password); the password
//! goes to the OS credential store (`mesa_mailnet::secrets`, the same store as the mail
//! account's, under the key `postgresql://user@host:port/db`).

use std::path::Path;

use clap::Subcommand;
use mesa_core::db::pg::workstation;
use mesa_core::{server, CoreError};

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
    let st = server::status(dir, |key| mesa_mailnet::secrets::get_secret(key).ok())?;
    if st.engine == "sqlite" {
        if json {
            return print_json(&serde_json::json!({
                "engine": "sqlite",
                "path": st.sqlite_path,
                "schema_version": st.schema_version,
            }));
        }
        println!("Motor: SQLite (base local de este equipo)");
        println!("Archivo: {}", st.sqlite_path);
        return Ok(());
    }
    if json {
        let mut out = serde_json::json!({
            "engine": "postgresql",
            "host": st.host,
            "port": st.port,
            "database": st.database,
            "user": st.user,
            "password_stored": st.password_stored,
            "migrated_at": st.migrated_at,
            "migrated_from": st.migrated_from,
            "connected": st.connected,
        });
        if st.connected {
            out["server_version"] = st.engine_version.clone().into();
            out["schema_version"] = st.schema_version.into();
        } else {
            out["error"] = st.error.clone().into();
        }
        return print_json(&out);
    }
    println!("Motor: PostgreSQL");
    println!("Servidor: {}", st.server.as_deref().unwrap_or_default());
    if !st.password_stored {
        println!("Contraseña: no está en el almacén de credenciales de este equipo");
    }
    if let Some(at) = &st.migrated_at {
        println!(
            "Datos copiados desde {} ({})",
            st.migrated_from.as_deref().unwrap_or("SQLite"),
            mesa_core::clock::from_db(at)
                .map(|t| mesa_core::clock::to_local(t)
                    .format("%d/%m/%Y %H:%M")
                    .to_string())
                .unwrap_or_else(|_| at.clone())
        );
    }
    if st.connected {
        println!(
            "Conexión: correcta (PostgreSQL {})",
            st.engine_version.as_deref().unwrap_or_default()
        );
        println!("Esquema: {}", st.schema_version.unwrap_or_default());
    } else {
        println!(
            "Conexión: falló — {}",
            st.error.as_deref().unwrap_or_default()
        );
    }
    Ok(())
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
    let db = mesa_core::paths::db_path(dir);
    if !ctx.store.server_use_local(dir)? {
        println!("Este equipo ya usa su base SQLite ({}).", db.display());
        return Ok(());
    }
    println!(
        "Este equipo vuelve a usar su base SQLite ({}). Los datos del servidor no se tocaron; lo \
         registrado en el servidor no está en esta copia.",
        db.display()
    );
    Ok(())
}

fn migrate(ctx: &mut Ctx, dir: &Path, url: &str, yes: bool) -> Result<(), CoreError> {
    if !yes {
        // Only reads: the server is checked so that --yes does not fail for a known reason.
        let plan = ctx.store.server_preview(dir, url)?;
        if ctx.json {
            return print_json(&serde_json::json!({
                "would_copy": plan.tables,
                "total_rows": plan.total_rows,
                "from": plan.from,
                "to": plan.to,
                "server_ready": plan.server_ready,
                "server_problem": plan.server_problem,
            }));
        }
        println!("Se copiaría {} a {}:", plan.from, plan.to);
        for t in &plan.tables {
            println!("  {:<28} {:>9} filas", t.table, t.rows);
        }
        println!(
            "  {:<28} {:>9} filas en {} tablas",
            "Total",
            plan.total_rows,
            plan.tables.len()
        );
        match (&plan.server_version, &plan.server_problem) {
            (Some(v), None) => println!("Servidor listo: PostgreSQL {v}"),
            (_, p) => println!(
                "El servidor no está listo: {}",
                p.as_deref().unwrap_or_default()
            ),
        }
        println!("No se copió nada. Repita la orden con --yes para copiar y pasar este equipo al servidor.");
        return Ok(());
    }
    // The password to the OS credential store first: without it the workstation cannot use the
    // server, so it is not switched.
    let report = ctx.store.server_move(
        dir,
        url,
        &ctx.actor,
        ctx.now,
        |key, password| mesa_mailnet::secrets::set_secret(key, password).map_err(|e| e.to_string()),
        &mut |_| {},
    )?;
    if ctx.json {
        print_json(&serde_json::json!({
            "copied": report.tables,
            "total_rows": report.total_rows,
            "sampled_rows": report.sampled_rows,
            "server_version": report.server_version,
            "to": report.to,
            "seconds": report.seconds,
        }))
    } else {
        println!(
            "Copiadas {} filas de {} tablas a {} en {:.1} s (conteos iguales; {} filas de muestra \
             comparadas valor por valor).",
            report.total_rows,
            report.tables.len(),
            report.to,
            report.seconds,
            report.sampled_rows
        );
        println!(
            "Este equipo usa ahora el servidor PostgreSQL. El archivo {} quedó intacto como respaldo.",
            report.from
        );
        Ok(())
    }
}
