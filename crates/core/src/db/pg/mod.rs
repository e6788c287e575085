//! PostgreSQL for offices with several workstations (issue 17): connecting, checking the server,
//! the PostgreSQL migrations (`migrations/pg/`, their own numbering, checksummed like SQLite's),
//! and moving a SQLite database onto an empty server ([`copy`]).
//!
//! Client: the `postgres` crate (synchronous, a blocking wrapper over tokio-postgres). Core is
//! synchronous end to end (rusqlite); an async driver would need a runtime in every caller for
//! no gain at a help desk's few requests per second.
//!
//! Invariants: a server older than [`MIN_SERVER_VERSION`] or without the `unaccent` extension is
//! refused before anything is written; a database holding tables that are not ours is refused
//! untouched; every migration runs in one transaction and records its SHA-256
//! ([`super::checksum`], the same normalisation as SQLite's).

pub mod backend;
pub mod changes;
pub mod copy;
pub mod workstation;

use postgres::{Client, Config, NoTls};

use crate::error::{CoreError, Result};

/// A numbered PostgreSQL migration embedded from `migrations/pg/`.
pub struct PgMigration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// All PostgreSQL migrations, in order. 0001 is the SQLite schema after its migration 0018;
/// every later schema change gets one file here and one in `migrations/`.
pub const PG_MIGRATIONS: &[PgMigration] = &[
    PgMigration {
        version: 1,
        name: "0001_baseline.sql",
        sql: include_str!("../../../../../migrations/pg/0001_baseline.sql"),
    },
    PgMigration {
        version: 2,
        name: "0002_mail_oauth.sql",
        sql: include_str!("../../../../../migrations/pg/0002_mail_oauth.sql"),
    },
    PgMigration {
        version: 3,
        name: "0003_compat.sql",
        sql: include_str!("../../../../../migrations/pg/0003_compat.sql"),
    },
    PgMigration {
        version: 4,
        name: "0004_change_notices.sql",
        sql: include_str!("../../../../../migrations/pg/0004_change_notices.sql"),
    },
    PgMigration {
        version: 5,
        name: "0005_speed.sql",
        sql: include_str!("../../../../../migrations/pg/0005_speed.sql"),
    },
    PgMigration {
        version: 6,
        name: "0006_shared_files.sql",
        sql: include_str!("../../../../../migrations/pg/0006_shared_files.sql"),
    },
    PgMigration {
        version: 7,
        name: "0007_search_table.sql",
        sql: include_str!("../../../../../migrations/pg/0007_search_table.sql"),
    },
];

/// Tables that exist only on PostgreSQL (what several workstations share), with the reason:
/// `migrations/pg/0006_shared_files.sql` and `0007_search_table.sql`. Neither copied from SQLite
/// nor audited.
pub const PG_ONLY_TABLES: &[(&str, &str)] = &[
    (
        "attachment_blobs",
        "contenido de los adjuntos por huella SHA-256 (en SQLite, archivos en la carpeta de datos)",
    ),
    (
        "attachment_blob_parts",
        "piezas de 1 MiB del contenido de los adjuntos",
    ),
    (
        "daily_dumps",
        "qué equipo hizo la copia pg_dump del día (una por día para todos los equipos)",
    ),
    (
        "ticket_search",
        "documento de búsqueda de texto de cada caso (en SQLite, la tabla FTS5 tickets_fts)",
    ),
];

/// The SQLite migration the PostgreSQL schema is equal to (checked when copying): SQLite's
/// 0019 is PostgreSQL's 0002 (PostgreSQL's 0003 adds functions and 0004 change-notice triggers, no SQLite twin);
/// SQLite's 0020 is PostgreSQL's 0005.
pub const SQLITE_EQUIVALENT: i64 = 20;

/// Settings of every session the app opens on the server (the startup packet's `options`).
pub const PG_SESSION_OPTIONS: &str = "-c max_parallel_workers_per_gather=0";

/// Oldest supported server (`server_version_num`): PostgreSQL 13 (trusted `unaccent`, ICU
/// nondeterministic collations, `EXECUTE FUNCTION` triggers; Debian 12 ships 15).
pub const MIN_SERVER_VERSION: i32 = 130_000;

pub fn latest_version() -> i64 {
    PG_MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// Maps a PostgreSQL error: a statement's error keeps the server's message (and SQLSTATE);
/// a connection that could not be made or was lost is a server problem.
impl From<postgres::Error> for CoreError {
    fn from(e: postgres::Error) -> Self {
        // The connection itself failed (closed, reset, the server ended the session): a server
        // problem, whatever the statement was. The next call reconnects (`backend.rs`).
        if backend::is_connection_error(&e) {
            let why = e
                .as_db_error()
                .map(|db| format!("{} ({})", db.message(), db.code().code()))
                .unwrap_or_else(|| e.to_string());
            return CoreError::Server {
                detail: format!(
                    "se perdió la conexión con el servidor ({why}); la próxima acción se \
                     reconecta sola: revise si el último cambio quedó guardado antes de repetirlo"
                ),
            };
        }
        match e.as_db_error() {
            Some(db) => CoreError::Postgres(format!("{} ({})", db.message(), db.code().code())),
            None => CoreError::Postgres(e.to_string()),
        }
    }
}

/// Where a workstation's database is: parsed from `postgresql://user:password@host:port/db`.
#[derive(Clone, PartialEq, Eq)]
pub struct PgTarget {
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    /// Never written to a file (the OS credential store keeps it, see `workstation`).
    pub password: Option<String>,
}

impl std::fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgTarget({})", self.display())
    }
}

impl PgTarget {
    /// Parses a connection URL. Spanish errors name what is missing; the password is never
    /// echoed back.
    pub fn parse(url: &str) -> Result<PgTarget> {
        let bad = |m: &str| CoreError::validation("--to", m.to_string());
        let u = url.trim();
        if !(u.starts_with("postgresql://") || u.starts_with("postgres://")) {
            return Err(bad(
                "debe ser una dirección postgresql://usuario:contraseña@equipo:puerto/base",
            ));
        }
        let cfg: Config = u
            .parse()
            .map_err(|e: postgres::Error| bad(&format!("dirección no válida ({e})")))?;
        let host = match cfg.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            _ => return Err(bad("falta el equipo servidor (host)")),
        };
        let port = cfg.get_ports().first().copied().unwrap_or(5432);
        let dbname = cfg
            .get_dbname()
            .filter(|d| !d.is_empty())
            .ok_or_else(|| bad("falta el nombre de la base de datos (…/base)"))?
            .to_string();
        let user = cfg
            .get_user()
            .filter(|d| !d.is_empty())
            .ok_or_else(|| bad("falta el usuario (usuario@equipo)"))?
            .to_string();
        let password = cfg
            .get_password()
            .map(|p| String::from_utf8_lossy(p).into_owned());
        Ok(PgTarget {
            host,
            port,
            dbname,
            user,
            password,
        })
    }

    /// `user@host:port/db`: what is shown to people and used as the credential's key.
    pub fn display(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.dbname)
    }

    fn config(&self) -> Config {
        let mut c = Config::new();
        c.host(&self.host)
            .port(self.port)
            .dbname(&self.dbname)
            .user(&self.user)
            // The process id tells an administrator (pg_stat_activity) which program holds
            // what, and the concurrency test which backend belongs to which `mesa` process.
            .application_name(&format!("mesa-de-ayuda-ti/{}", std::process::id()))
            .connect_timeout(std::time::Duration::from_secs(10))
            // No parallel workers for the app's sessions: its statements are short and
            // interactive, and starting workers costs more than it saves (measured with 200,000
            // cases: a search page 1.3 ms alone, 16 ms with two workers; `make bench-pg`).
            .options(PG_SESSION_OPTIONS);
        if let Some(p) = &self.password {
            c.password(p);
        }
        c
    }

    /// Opens one connection (plain TCP: the server is on the office's LAN).
    pub fn connect(&self) -> Result<Client> {
        self.config().connect(NoTls).map_err(|e| CoreError::Server {
            detail: format!(
                "no se pudo conectar a {}: {}",
                self.display(),
                connect_cause(&e)
            ),
        })
    }
}

/// Why a connection failed, in Spanish where the cause is known (the postgres crate's own text
/// is English; a server's message is in the server's language).
fn connect_cause(e: &postgres::Error) -> String {
    use postgres::error::SqlState;
    if let Some(d) = e.as_db_error() {
        return match d.code() {
            c if *c == SqlState::INVALID_PASSWORD
                || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                "el servidor rechazó el usuario o la contraseña".to_string()
            }
            c if *c == SqlState::INVALID_CATALOG_NAME => {
                "la base de datos no existe en el servidor (créela vacía primero)".to_string()
            }
            _ => d.message().to_string(),
        };
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    "el servidor rechazó la conexión: revise el equipo y el puerto, y que \
                     PostgreSQL esté encendido y acepte conexiones de la red"
                        .to_string()
                }
                std::io::ErrorKind::TimedOut => {
                    "tiempo agotado: el servidor no respondió (¿está encendido y en la red?)"
                        .to_string()
                }
                _ => format!("error de red: {io}"),
            };
        }
        source = s.source();
    }
    if e.to_string().contains("timeout") {
        return "tiempo agotado: el servidor no respondió (¿está encendido y en la red?)".into();
    }
    e.to_string()
}

/// What the server is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ServerInfo {
    /// `server_version_num`, e.g. 150018.
    pub version_num: i32,
    /// `server_version`, e.g. "15.18 (Debian 15.18-0+deb12u1)".
    pub version: String,
}

/// Refuses a server older than [`MIN_SERVER_VERSION`] or without `unaccent`.
pub fn check_server(c: &mut Client) -> Result<ServerInfo> {
    let row = c.query_one(
        "SELECT current_setting('server_version_num')::int AS num,
                current_setting('server_version') AS version,
                EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') AS unaccent",
        &[],
    )?;
    let info = ServerInfo {
        version_num: row.get("num"),
        version: row.get("version"),
    };
    refuse_unsupported(&info, row.get("unaccent"))?;
    Ok(info)
}

/// The server's facts against what the app needs (Spanish reasons).
pub fn refuse_unsupported(info: &ServerInfo, unaccent: bool) -> Result<()> {
    if info.version_num < MIN_SERVER_VERSION {
        return Err(CoreError::Server {
            detail: format!(
                "la versión {} es anterior a la mínima admitida ({}). Actualice PostgreSQL.",
                info.version,
                MIN_SERVER_VERSION / 10_000
            ),
        });
    }
    if !unaccent {
        return Err(CoreError::Server {
            detail: "falta la extensión «unaccent», que la búsqueda sin tildes necesita. \
                     Instale el paquete de extensiones de PostgreSQL (en Debian, \
                     postgresql-contrib; en Windows viene con el instalador)."
                .into(),
        });
    }
    Ok(())
}

/// Tables in the connection's schema (`current_schema()`), by name.
pub fn tables(c: &mut Client) -> Result<Vec<String>> {
    Ok(c.query(
        "SELECT table_name::text AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        &[],
    )?
    .iter()
    .map(|r| r.get("name"))
    .collect())
}

/// Brings the PostgreSQL schema up to date (after [`check_server`]): each pending migration in
/// its own transaction with its checksum recorded. Refuses a database that has tables but is
/// not ours, one with a newer schema, and an edited migration.
pub fn migrate(c: &mut Client) -> Result<()> {
    let existing = tables(c)?;
    let ours = existing.iter().any(|t| t == "schema_migrations");
    if !existing.is_empty() && !ours {
        return Err(CoreError::Server {
            detail: format!(
                "la base de datos ya tiene tablas que no son de Mesa de Ayuda TI ({}); use una \
                 base de datos vacía",
                existing
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    c.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    BIGINT PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TEXT NOT NULL
                DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
        )",
    )?;
    let newest: Option<i64> = c
        .query_one("SELECT max(version) AS v FROM schema_migrations", &[])?
        .get("v");
    if let Some(v) = newest.filter(|v| *v > latest_version()) {
        return Err(CoreError::DatabaseTooNew {
            found: v,
            known: latest_version(),
        });
    }
    for m in PG_MIGRATIONS {
        let sum = super::checksum(m.sql);
        let recorded: Option<String> = c
            .query_opt(
                "SELECT checksum FROM schema_migrations WHERE version = $1",
                &[&m.version],
            )?
            .map(|r| r.get("checksum"));
        match recorded {
            Some(r) if r == sum => continue,
            Some(_) => {
                return Err(CoreError::MigrationChecksum {
                    version: m.version,
                    name: format!("pg/{}", m.name),
                })
            }
            None => {
                let mut tx = c.transaction()?;
                // Two workstations opening a new server at once: the second waits, then finds
                // the migration recorded.
                tx.batch_execute("SELECT pg_advisory_xact_lock(7236200001)")?;
                let again = tx
                    .query_opt(
                        "SELECT 1 FROM schema_migrations WHERE version = $1",
                        &[&m.version],
                    )?
                    .is_some();
                if !again {
                    tx.batch_execute(m.sql)?;
                    tx.execute(
                        "INSERT INTO schema_migrations(version, name, checksum) VALUES ($1, $2, $3)",
                        &[&m.version, &m.name, &sum],
                    )?;
                }
                tx.commit()?;
            }
        }
    }
    Ok(())
}

/// Opens a [`crate::db::Db`] on the server of `target`: connects, refuses an unsupported
/// server, brings the schema up to date.
pub fn open(target: &PgTarget) -> Result<crate::db::engine::Db> {
    let mut c = target.connect()?;
    check_server(&mut c)?;
    migrate(&mut c)?;
    let t = target.clone();
    Ok(crate::db::engine::Db::from_pg_reconnecting(
        c,
        Box::new(move || t.connect()),
    ))
}

/// A read-only connection (the app's [`crate::ReadPool`]) to a server whose schema
/// [`open`] already brought up to date: every transaction on it is read-only
/// (`default_transaction_read_only`), and a schema other than this binary's is refused.
pub fn open_reader(target: &PgTarget) -> Result<crate::db::engine::Db> {
    let mut c = target.connect()?;
    let v = schema_version(&mut c)?;
    if v != latest_version() {
        return Err(CoreError::NotADatabase {
            path: target.display(),
            detail: format!(
                "esquema {v}, se esperaba {}: ábrala primero para escritura",
                latest_version()
            ),
        });
    }
    c.batch_execute("SET default_transaction_read_only = on")?;
    let t = target.clone();
    Ok(crate::db::engine::Db::from_pg_reconnecting(
        c,
        Box::new(move || {
            let mut c = t.connect()?;
            c.batch_execute("SET default_transaction_read_only = on")?;
            Ok(c)
        }),
    ))
}

/// Opens the database of the workstation whose data folder is `data_dir` when it uses a server
/// (`servidor.json`, see [`workstation`]), with the password the caller read from the OS
/// credential store; `None` when the workstation uses its SQLite file.
pub fn open_workstation(
    data_dir: &std::path::Path,
    password: impl FnOnce(&workstation::WorkstationServer) -> Result<Option<String>>,
) -> Result<Option<crate::db::engine::Db>> {
    match workstation::read(data_dir)? {
        None => Ok(None),
        Some(ws) => {
            let pw = password(&ws)?;
            open(&ws.target(pw)).map(Some)
        }
    }
}

/// Applied migrations' highest version (0 for a database without our schema).
pub fn schema_version(c: &mut Client) -> Result<i64> {
    if !tables(c)?.iter().any(|t| t == "schema_migrations") {
        return Ok(0);
    }
    Ok(c.query_one(
        "SELECT coalesce(max(version), 0) AS v FROM schema_migrations",
        &[],
    )?
    .get("v"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_migrations_are_numbered_in_order() {
        // 1, 2, 3… with no gap: the runner applies them in this order, each one whose version
        // is not recorded.
        for (i, m) in PG_MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }

    #[test]
    fn an_old_server_or_one_without_unaccent_is_refused_in_spanish() {
        let v = |num: i32, s: &str| ServerInfo {
            version_num: num,
            version: s.into(),
        };
        let e = refuse_unsupported(&v(120_017, "12.17"), true).unwrap_err();
        assert_eq!(e.code(), "server");
        assert!(
            e.to_string()
                .contains("12.17 es anterior a la mínima admitida (13)"),
            "{e}"
        );
        let e = refuse_unsupported(&v(150_018, "15.18"), false).unwrap_err();
        assert!(
            e.to_string().contains("falta la extensión «unaccent»"),
            "{e}"
        );
        refuse_unsupported(&v(130_000, "13.0"), true).unwrap();
    }

    #[test]
    fn a_url_is_parsed_and_its_password_never_shown() {
        let t =
            PgTarget::parse("postgresql://mesa:s%40creto@192.168.1.10:5433/mesa_ayuda").unwrap();
        assert_eq!(t.host, "192.168.1.10");
        assert_eq!(t.port, 5433);
        assert_eq!(t.dbname, "mesa_ayuda");
        assert_eq!(t.user, "mesa");
        assert_eq!(t.password.as_deref(), Some("s@creto"));
        assert_eq!(t.display(), "mesa@192.168.1.10:5433/mesa_ayuda");
        assert!(!format!("{t:?}").contains("creto"));
        for bad in [
            "mysql://a@b/c",
            "postgresql://equipo:5432/base",
            "postgresql://u@equipo:5432",
        ] {
            let e = PgTarget::parse(bad).unwrap_err();
            assert_eq!(e.code(), "validation", "{bad}: {e}");
        }
    }
}
