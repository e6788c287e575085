//! `mesa backup …`, `mesa audit …` and `mesa person …`: backups and restore, the audit trail,
//! and data-subject requests (Ley 1581 de 2012).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::Subcommand;
use mesa_core::safety::audit::{self, AuditEntry, AuditQuery};
use mesa_core::safety::backup::{self as core_backup, BackupInfo, BackupKind, RestoreReport};
use mesa_core::{CoreError, Store};

#[derive(Subcommand)]
pub enum BackupCmd {
    /// Crea una copia de seguridad verificada (en la carpeta de copias o en --to).
    Create {
        /// Carpeta destino (una USB, una carpeta compartida). Nunca se rota.
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// Lista las copias de la carpeta de copias (o de --dir), la más reciente primero.
    List {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Verifica un archivo de copia sin modificarlo y muestra lo que contiene.
    Verify { file: PathBuf },
    /// Restaura una copia: la verifica, guarda primero una copia de la base actual y la
    /// reemplaza. Sin --yes solo muestra lo que contiene la copia.
    Restore {
        file: PathBuf,
        /// Confirma el reemplazo de la base de datos actual.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Lista el registro de auditoría (más reciente primero).
    List {
        /// Tabla (tickets, staff, assets, …).
        #[arg(long)]
        table: Option<String>,
        /// Registro (número de caso, placa, nombre…).
        #[arg(long)]
        key: Option<String>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Exporta el registro de auditoría a .csv o .xlsx.
    Export {
        #[arg(long, value_name = "ARCHIVO")]
        to: PathBuf,
        #[arg(long)]
        table: Option<String>,
        #[arg(long)]
        key: Option<String>,
    },
    /// Imprime el SQL de los disparadores de auditoría de una tabla (para desarrolladores).
    TriggerSql { table: String },
}

#[derive(Subcommand)]
pub enum PersonCmd {
    /// Busca solicitantes por parte del nombre o del correo (agrupados por nombre).
    Search { query: String },
    /// Exporta todo lo que hay sobre una persona (nombre o correo) a .json o .xlsx.
    Export {
        /// Nombre completo o correo electrónico.
        who: String,
        #[arg(long, value_name = "ARCHIVO")]
        to: PathBuf,
    },
    /// Anonimiza a una persona a su solicitud (queda en la auditoría, sin sus datos).
    Anonymize {
        who: String,
        /// Confirma la anonimización (no se puede deshacer).
        #[arg(long)]
        yes: bool,
        /// También quita los adjuntos de sus casos (motivo «Ley 1581»; los archivos se borran).
        #[arg(long)]
        delete_attachments: bool,
    },
}

use crate::print_json;

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    }
}

fn holds(b: &BackupInfo) -> String {
    let mut s = format!("{} casos", b.counts.cases);
    if let Some(e) = b.counts.equipment {
        s.push_str(&format!(", {e} equipos"));
    }
    if let Some(p) = b.counts.plans {
        s.push_str(&format!(", {p} planes"));
    }
    if let Some(a) = b.attachments {
        s.push_str(&format!(", {a} adjuntos"));
    }
    s
}

fn describe(b: &BackupInfo) {
    println!("Copia:      {}", b.path);
    println!("Fecha:      {}", b.created_at);
    println!(
        "Tipo:       {}",
        b.kind.map(|k| k.label()).unwrap_or("externa")
    );
    println!("Tamaño:     {}", size(b.size_bytes));
    println!("Esquema:    {}", b.schema_version);
    println!("Contiene:   {}", holds(b));
    println!("SHA-256:    {}", b.sha256);
    println!("Integridad: correcta");
}

/// `mesa backup restore` when the database cannot even be opened (damaged): handled before the
/// store is opened. Returns None when the normal path applies.
pub fn restore_if_damaged(
    db_path: &Path,
    cmd: &BackupCmd,
    now: DateTime<Utc>,
    json: bool,
) -> Option<Result<(), CoreError>> {
    let BackupCmd::Restore { file, yes } = cmd else {
        return None;
    };
    // A workstation on a PostgreSQL server restores through its store (pg_restore).
    let on_server = db_path
        .parent()
        .and_then(|d| mesa_core::db::pg::workstation::read(d).ok().flatten())
        .is_some();
    if on_server {
        return None;
    }
    match Store::open(db_path) {
        Ok(_) => None,
        Err(e) if core_backup::is_damage(&e) => Some((|| {
            let info = core_backup::verify(file)?;
            if !*yes {
                return confirm_needed(&info, json);
            }
            let r = core_backup::restore_file(db_path, file, now)?;
            report(&r, json)
        })()),
        Err(_) => None,
    }
}

fn confirm_needed(info: &BackupInfo, json: bool) -> Result<(), CoreError> {
    if json {
        print_json(info)?;
    } else {
        describe(info);
    }
    Err(CoreError::validation(
        "--yes",
        "la restauración reemplaza la base de datos actual; revise lo que contiene la copia y \
         repita el comando con --yes para confirmar",
    ))
}

fn report(r: &RestoreReport, json: bool) -> Result<(), CoreError> {
    if json {
        return print_json(r);
    }
    println!(
        "Base de datos restaurada desde {} ({}, {}).",
        r.restored.file_name,
        r.restored.created_at,
        holds(&r.restored)
    );
    if let Some(s) = &r.safety_copy {
        println!("Copia de la base anterior: {}", s.path);
    }
    if let Some(d) = &r.damaged_copy {
        println!("La base dañada se conservó en: {d}");
    }
    Ok(())
}

pub fn backup(
    store: &mut Store,
    cmd: BackupCmd,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    match cmd {
        BackupCmd::Create { to } => {
            let b = store.backup_now(BackupKind::Manual, to.as_deref(), now)?;
            if json {
                print_json(&b)
            } else {
                println!("Copia de seguridad creada y verificada.");
                describe(&b);
                Ok(())
            }
        }
        BackupCmd::List { dir } => {
            let list = match dir {
                Some(d) => core_backup::list(&d)?,
                None => store.backups()?,
            };
            if json {
                return print_json(&list);
            }
            for b in &list {
                println!(
                    "{:<27} {:<34} {:>9}  {}  {}",
                    b.created_at,
                    b.kind.map(|k| k.label()).unwrap_or("externa"),
                    size(b.size_bytes),
                    holds(b),
                    b.file_name
                );
            }
            println!("{} copias", list.len());
            Ok(())
        }
        BackupCmd::Verify { file } => {
            // A SQLite copy, or a pg_dump on a workstation that uses a server.
            let b = store.verify_backup(&file)?;
            if json {
                print_json(&b)
            } else {
                describe(&b);
                Ok(())
            }
        }
        BackupCmd::Restore { file, yes } => {
            store.authorize(mesa_core::people::Permission::Restore)?;
            if !yes {
                let info = store.verify_backup(&file)?;
                return confirm_needed(&info, json);
            }
            let r = store.restore_backup(&file, now)?;
            report(&r, json)
        }
    }
}

fn print_entries(rows: &[AuditEntry]) {
    for e in rows {
        println!(
            "{}  {:<20} {:<18} {:<16} {:<12} {:<18} {} → {}",
            e.at,
            e.actor,
            e.table_label,
            e.record_key,
            e.action,
            e.field.as_deref().unwrap_or("-"),
            e.old_value.as_deref().unwrap_or(""),
            e.new_value.as_deref().unwrap_or("")
        );
    }
}

pub fn audit(store: &Store, cmd: AuditCmd, json: bool) -> Result<(), CoreError> {
    match cmd {
        AuditCmd::List {
            table,
            key,
            search,
            limit,
        } => {
            let rows = store.audit_entries(&AuditQuery {
                table_name: table,
                record_key: key,
                search,
                limit,
                offset: 0,
            })?;
            if json {
                print_json(&rows)
            } else {
                print_entries(&rows);
                println!("{} registros", rows.len());
                Ok(())
            }
        }
        AuditCmd::Export { to, table, key } => {
            let n = store.audit_export(
                &AuditQuery {
                    table_name: table,
                    record_key: key,
                    ..Default::default()
                },
                &to,
            )?;
            if json {
                print_json(&serde_json::json!({ "exported": n, "file": to }))
            } else {
                println!("Registros de auditoría exportados: {n} → {}", to.display());
                Ok(())
            }
        }
        AuditCmd::TriggerSql { table } => {
            let key = audit::AUDITED
                .iter()
                .find(|(t, _)| *t == table)
                .map(|(_, k)| *k)
                .unwrap_or("X.id");
            let sql = audit::trigger_sql(store.connection(), &table, key)?;
            if sql.is_empty() {
                return Err(CoreError::validation(
                    "tabla",
                    format!("no existe la tabla «{table}»"),
                ));
            }
            for (_, s) in sql {
                println!("{s};\n");
            }
            Ok(())
        }
    }
}

pub fn person(
    store: &mut Store,
    cmd: PersonCmd,
    actor: &str,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    match cmd {
        PersonCmd::Search { query } => {
            let found = store.person_search(&query, 20)?;
            if json {
                return print_json(&found);
            }
            if found.is_empty() {
                println!("No hay solicitantes que coincidan con «{}».", query.trim());
            }
            for p in &found {
                println!(
                    "{} — {} casos — {} — {}",
                    p.name,
                    p.cases,
                    p.emails.join(", "),
                    p.departments.join(", ")
                );
            }
            Ok(())
        }
        PersonCmd::Export { who, to } => {
            let ex = store.person_export_to(&who, &to, now)?;
            if json {
                print_json(&serde_json::json!({
                    "file": to, "cases": ex.cases.len(), "audit": ex.audit.len(),
                    "assets_in_custody": ex.assets_in_custody.len(), "attachments": ex.attachments.len()
                }))
            } else {
                println!(
                    "Datos de «{}» exportados a {}: {} casos, {} equipos a cargo, {} registros de auditoría.",
                    ex.query,
                    to.display(),
                    ex.cases.len(),
                    ex.assets_in_custody.len(),
                    ex.audit.len()
                );
                println!("El archivo contiene datos personales: entréguelo solo al titular.");
                Ok(())
            }
        }
        PersonCmd::Anonymize {
            who,
            yes,
            delete_attachments,
        } => {
            if !yes {
                let ex = store.person_export(&who, now)?;
                println!(
                    "Se anonimizarían {} casos de «{}». No se puede deshacer.",
                    ex.cases.len(),
                    ex.query
                );
                return Err(CoreError::validation(
                    "--yes",
                    "repita el comando con --yes para confirmar la anonimización",
                ));
            }
            let r = store.anonymize_person_with(&who, delete_attachments, actor, now)?;
            if json {
                print_json(&r)
            } else {
                println!(
                    "Persona anonimizada como «{}» en {} casos: {}.",
                    r.pseudonym,
                    r.cases.len(),
                    r.cases.join(", ")
                );
                if delete_attachments {
                    println!("Adjuntos quitados: {}.", r.attachments_removed);
                }
                println!("{}", r.note);
                Ok(())
            }
        }
    }
}
