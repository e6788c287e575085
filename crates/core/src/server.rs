//! Which database this workstation uses and moving the office onto a PostgreSQL server
//! (issue 17): what `mesa server status|migrate|use-local` and Ajustes → Servidor both call.
//!
//! The workstation's server is `servidor.json` in the data folder (`db::pg::workstation`, no
//! password). The password lives in the OS credential store, which core does not reach: callers
//! pass a closure that reads it (`status`) or stores it (`Store::server_move`), under
//! `WorkstationServer::credential_key`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "postgres")]
pub use with_server::*;

/// What `mesa server status` prints and Ajustes → Servidor shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ServerStatus {
    /// "sqlite" or "postgresql".
    pub engine: String,
    /// The workstation's SQLite file (in use, or kept as a backup after a move).
    pub sqlite_path: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    /// `user@host:port/db` (never the password).
    pub server: Option<String>,
    /// The password is in this workstation's credential store.
    pub password_stored: bool,
    /// The server answered (always true for SQLite when the file opens).
    pub connected: bool,
    /// PostgreSQL's `server_version`, or the SQLite library's version.
    pub engine_version: Option<String>,
    /// Highest applied migration of the database in use.
    pub schema_version: Option<i64>,
    /// Why the server could not be reached (Spanish), when it could not.
    pub error: Option<String>,
    /// When this workstation moved the data to the server (UTC ISO-8601).
    pub migrated_at: Option<String>,
    pub migrated_from: Option<String>,
}

/// The «Mover a un servidor PostgreSQL» form of Ajustes → Servidor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ServerForm {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    pub password: String,
}

#[cfg(feature = "postgres")]
impl ServerForm {
    /// The connection URL of the form (every part escaped).
    pub fn url(&self) -> String {
        url_from_parts(
            &self.host,
            self.port,
            &self.database,
            &self.user,
            &self.password,
        )
    }
}

/// One row another workstation changed: the list that shows it and its id there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChangedRow {
    pub table: String,
    pub id: i64,
}

/// The app's `datos-cambiados` event (PostgreSQL): rows other workstations committed, or
/// `reconnected` after the listener lost its connection (changes may have been missed: every
/// open list reloads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DataChanged {
    pub changes: Vec<ChangedRow>,
    pub reconnected: bool,
}

/// One table and its rows (what a move would copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TableRows {
    pub table: String,
    pub rows: i64,
}

/// «Vista previa» / `mesa server migrate` without `--yes`: nothing is copied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MovePreview {
    pub from: String,
    pub to: String,
    pub tables: Vec<TableRows>,
    pub total_rows: i64,
    /// The server is reachable, new enough, has `unaccent` and the database is empty.
    pub server_ready: bool,
    pub server_version: Option<String>,
    /// Why `server_ready` is false (Spanish, from core as it is).
    pub server_problem: Option<String>,
}

/// Where a running move is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MoveProgress {
    pub table: String,
    pub rows_done: i64,
    pub rows_total: i64,
}

/// A finished move: the workstation uses the server from now on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MoveReport {
    pub tables: Vec<TableRows>,
    pub total_rows: i64,
    pub sampled_rows: i64,
    pub server_version: String,
    pub to: String,
    pub from: String,
    pub seconds: f64,
}

#[cfg(feature = "postgres")]
mod with_server {
    use std::path::Path;

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::db::pg::{self, copy, workstation, PgTarget};
    use crate::error::{CoreError, Result};
    use crate::people::Permission;
    use crate::store::Store;

    pub use crate::db::pg::workstation::WorkstationServer;

    /// The line of the preview and the report that counts the attachments' files (their
    /// content goes into the server's `attachment_blobs`).
    pub const FILES_TABLE: &str = "attachment_blobs";

    fn rows(plan: Vec<copy::TableCount>) -> Vec<TableRows> {
        plan.into_iter()
            .map(|t| TableRows {
                table: t.table,
                rows: t.rows,
            })
            .collect()
    }

    /// The status of the workstation whose data folder is `dir`, before or without a store.
    /// `password` reads the server's password from the credential store by its key. A server that
    /// does not answer is a status (`connected: false` with the reason), not an error.
    pub fn status(
        dir: &Path,
        password: impl FnOnce(&str) -> Option<String>,
    ) -> Result<ServerStatus> {
        let sqlite = crate::paths::db_path(dir);
        let mut out = ServerStatus {
            engine: "sqlite".into(),
            sqlite_path: sqlite.display().to_string(),
            host: None,
            port: None,
            database: None,
            user: None,
            server: None,
            password_stored: false,
            connected: false,
            engine_version: None,
            schema_version: None,
            error: None,
            migrated_at: None,
            migrated_from: None,
        };
        match workstation::read(dir)? {
            None => {
                out.engine_version = Some(rusqlite::version().to_string());
                if sqlite.exists() {
                    let v = crate::db::open_reader(&sqlite).and_then(|db| {
                        Ok(db
                            .sqlite_native()?
                            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?)
                    });
                    match v {
                        Ok(v) => {
                            out.connected = true;
                            out.schema_version = Some(v);
                        }
                        Err(e) => out.error = Some(e.to_string()),
                    }
                }
            }
            Some(ws) => {
                let pw = password(&ws.credential_key());
                out.password_stored = pw.is_some();
                let target = ws.target(pw);
                out.engine = "postgresql".into();
                out.server = Some(target.display());
                out.host = Some(ws.host.clone());
                out.port = Some(ws.port);
                out.database = Some(ws.dbname.clone());
                out.user = Some(ws.user.clone());
                out.migrated_at = ws.migrated_at.clone();
                out.migrated_from = ws.migrated_from.clone();
                let probe = target.connect().and_then(|mut c| {
                    let info = pg::check_server(&mut c)?;
                    let v = pg::schema_version(&mut c)?;
                    Ok((info, v))
                });
                match probe {
                    Ok((info, v)) => {
                        out.connected = true;
                        out.engine_version = Some(info.version);
                        out.schema_version = Some(v);
                    }
                    Err(e) => out.error = Some(e.to_string()),
                }
            }
        }
        Ok(out)
    }

    fn refuse_if_on_server(dir: &Path) -> Result<()> {
        if let Some(ws) = workstation::read(dir)? {
            return Err(CoreError::Server {
                detail: format!(
                    "este equipo ya usa el servidor {}; no se copió nada",
                    ws.target(None).display()
                ),
            });
        }
        Ok(())
    }

    fn target_with_password(url: &str) -> Result<(PgTarget, String)> {
        let target = PgTarget::parse(url)?;
        let password = target
            .password
            .clone()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                CoreError::validation(
                    "contraseña",
                    "falta la contraseña del usuario de PostgreSQL",
                )
            })?;
        Ok((target, password))
    }

    /// `postgresql://user:password@host:port/db` from a form's fields (each part escaped).
    pub fn url_from_parts(
        host: &str,
        port: u16,
        database: &str,
        user: &str,
        password: &str,
    ) -> String {
        fn esc(s: &str) -> String {
            let mut out = String::with_capacity(s.len());
            for b in s.bytes() {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            out
        }
        let host = host.trim();
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        format!(
            "postgresql://{}:{}@{host}:{port}/{}",
            esc(user.trim()),
            esc(password),
            esc(database.trim())
        )
    }

    impl Store {
        /// What a move to `url` would copy, and whether the server is ready for it (reachable, new
        /// enough, with `unaccent`, an empty database). Only reads. Administrator only.
        pub fn server_preview(&self, dir: &Path, url: &str) -> Result<MovePreview> {
            self.authorize(Permission::Settings)?;
            refuse_if_on_server(dir)?;
            let (target, _) = target_with_password(url)?;
            let plan = copy::plan(self.connection().sqlite_native()?)?;
            let mut total_rows: i64 = plan.iter().map(|t| t.rows).sum();
            // The attachments' files go too (one row each in `attachment_blobs`); a missing one
            // is a problem to solve before moving.
            let files = copy::attachment_files(
                self.connection().sqlite_native()?,
                self.data_dir().as_deref(),
            );
            let mut tables = rows(plan);
            if let Ok(f) = &files {
                total_rows += f.len() as i64;
                tables.push(TableRows {
                    table: FILES_TABLE.into(),
                    rows: f.len() as i64,
                });
            }
            let check = files
                .map(|_| ())
                .and_then(|_| target.connect())
                .and_then(|mut c| {
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
            Ok(MovePreview {
                from: self.sqlite_source(),
                to: target.display(),
                tables,
                total_rows,
                server_ready: check.is_ok(),
                server_version: check.as_ref().ok().map(|i| i.version.clone()),
                server_problem: check.err().map(|e| e.to_string()),
            })
        }

        fn sqlite_source(&self) -> String {
            self.path()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        }

        /// Copies this SQLite database into the empty PostgreSQL database of `url` (one
        /// transaction on the server, counts and a sample checked; the SQLite file only read), then
        /// switches the workstation whose data folder is `dir`: `save_password(key, password)`
        /// stores the password in the OS credential store first (its error text is shown) (without it the workstation is
        /// not switched), then `servidor.json` is written. Administrator only. `actor` is recorded
        /// as who moved the data.
        pub fn server_move(
            &self,
            dir: &Path,
            url: &str,
            actor: &str,
            now: DateTime<Utc>,
            save_password: impl FnOnce(&str, &str) -> std::result::Result<(), String>,
            progress: &mut dyn FnMut(MoveProgress),
        ) -> Result<MoveReport> {
            self.authorize(Permission::Settings)?;
            refuse_if_on_server(dir)?;
            let (target, password) = target_with_password(url)?;
            let started = std::time::Instant::now();
            let source = self.sqlite_source();
            let mut client = target.connect()?;
            let report = copy::copy_with_progress(
                self.connection().sqlite_native()?,
                self.data_dir().as_deref(),
                &mut client,
                actor,
                &mut |p| {
                    progress(MoveProgress {
                        table: p.table,
                        rows_done: p.rows_done,
                        rows_total: p.rows_total,
                    })
                },
            )?;
            drop(client);
            let mut ws = WorkstationServer::from_target(&target);
            ws.migrated_at = Some(crate::clock::to_db(now));
            ws.migrated_from = Some(source.clone());
            save_password(&ws.credential_key(), &password).map_err(|e| CoreError::Server {
                detail: format!(
                    "los datos se copiaron al servidor, pero la contraseña no se pudo guardar en el \
                     almacén de credenciales ({e}); este equipo sigue con SQLite"
                ),
            })?;
            workstation::write(dir, &ws)?;
            let mut tables = rows(report.tables);
            tables.push(TableRows {
                table: FILES_TABLE.into(),
                rows: report.files,
            });
            Ok(MoveReport {
                tables,
                total_rows: report.total_rows + report.files,
                sampled_rows: report.sampled_rows as i64,
                server_version: report.server_version,
                to: target.display(),
                from: source,
                seconds: started.elapsed().as_secs_f64(),
            })
        }

        /// Back to the workstation's SQLite file: `servidor.json` is removed (the server's data and
        /// the stored password stay). Returns false when the workstation already uses SQLite.
        /// Administrator only.
        pub fn server_use_local(&self, dir: &Path) -> Result<bool> {
            self.authorize(Permission::Settings)?;
            use_local_unchecked(dir)
        }
    }

    /// [`Store::server_use_local`] without a store: for a workstation whose server cannot be
    /// reached at start (the «Reintentar» screen offers it). Callers must have checked who asks.
    pub fn use_local_unchecked(dir: &Path) -> Result<bool> {
        if workstation::read(dir)?.is_none() {
            return Ok(false);
        }
        let path = workstation::path(dir);
        std::fs::remove_file(&path).map_err(|e| CoreError::Server {
            detail: format!("no se pudo quitar {}: {e}", path.display()),
        })?;
        Ok(true)
    }
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use super::*;
    use crate::db::pg::PgTarget;

    #[test]
    fn a_url_from_form_fields_escapes_every_part_and_parses_back() {
        let url = url_from_parts(" 10.0.0.5 ", 5433, "mesa ayuda", "técnico", "p@ss:/wörd%");
        let t = PgTarget::parse(&url).unwrap();
        assert_eq!(t.host, "10.0.0.5");
        assert_eq!(t.port, 5433);
        assert_eq!(t.dbname, "mesa ayuda");
        assert_eq!(t.user, "técnico");
        assert_eq!(t.password.as_deref(), Some("p@ss:/wörd%"));
    }

    #[test]
    fn status_of_a_folder_without_server_is_sqlite_and_use_local_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let s = status(dir.path(), |_| panic!("no password is read for SQLite")).unwrap();
        assert_eq!(s.engine, "sqlite");
        assert!(s.server.is_none());
        assert!(!use_local_unchecked(dir.path()).unwrap());
    }
}
