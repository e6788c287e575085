//! Which database a workstation uses: `servidor.json` next to `mesa.db` in the data folder.
//! Absent: the embedded SQLite file (the default, unchanged). Present: a PostgreSQL server
//! (engine, host, port, database, user). The password is never in this file: the caller keeps
//! it in the operating system's credential store, under [`WorkstationServer::credential_key`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PgTarget;
use crate::error::{CoreError, Result};

/// File name of the workstation's server configuration, in the data folder.
pub const FILE_NAME: &str = "servidor.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkstationServer {
    /// Always "postgresql" (room for another engine later).
    pub engine: String,
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    /// When the office's SQLite data were moved there from this workstation (UTC ISO-8601),
    /// if it was this one that moved them.
    #[serde(default)]
    pub migrated_at: Option<String>,
    /// The SQLite file that was copied (kept untouched as a backup).
    #[serde(default)]
    pub migrated_from: Option<String>,
}

impl WorkstationServer {
    pub fn from_target(t: &PgTarget) -> Self {
        WorkstationServer {
            engine: "postgresql".into(),
            host: t.host.clone(),
            port: t.port,
            dbname: t.dbname.clone(),
            user: t.user.clone(),
            migrated_at: None,
            migrated_from: None,
        }
    }

    /// The connection target, with the password the caller read from the credential store.
    pub fn target(&self, password: Option<String>) -> PgTarget {
        PgTarget {
            host: self.host.clone(),
            port: self.port,
            dbname: self.dbname.clone(),
            user: self.user.clone(),
            password,
        }
    }

    /// The key of the password in the OS credential store.
    pub fn credential_key(&self) -> String {
        format!(
            "postgresql://{}@{}:{}/{}",
            self.user, self.host, self.port, self.dbname
        )
    }
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// The workstation's server, or None when it uses the embedded SQLite database.
pub fn read(data_dir: &Path) -> Result<Option<WorkstationServer>> {
    let p = path(data_dir);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(CoreError::Io {
                path: p.display().to_string(),
                source,
            })
        }
    };
    let ws: WorkstationServer =
        serde_json::from_str(&text).map_err(|e| CoreError::NotADatabase {
            path: p.display().to_string(),
            detail: format!("configuración de servidor no válida: {e}"),
        })?;
    if ws.engine != "postgresql" {
        return Err(CoreError::NotADatabase {
            path: p.display().to_string(),
            detail: format!("motor «{}» desconocido", ws.engine),
        });
    }
    Ok(Some(ws))
}

/// Writes the configuration atomically (temp file + rename): a crash leaves the old or the new.
pub fn write(data_dir: &Path, ws: &WorkstationServer) -> Result<()> {
    let p = path(data_dir);
    let tmp = data_dir.join(format!("{FILE_NAME}.tmp"));
    let io = |source| CoreError::Io {
        path: p.display().to_string(),
        source,
    };
    std::fs::write(&tmp, serde_json::to_string_pretty(ws)?).map_err(io)?;
    std::fs::rename(&tmp, &p).map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_means_sqlite_and_a_written_one_reads_back_without_password() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap(), None);
        let t = PgTarget::parse("postgresql://mesa:clave-secreta@10.0.0.5:5432/mesa").unwrap();
        let mut ws = WorkstationServer::from_target(&t);
        ws.migrated_at = Some("2026-12-02T16:00:00Z".into());
        write(dir.path(), &ws).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Some(ws.clone()));
        let text = std::fs::read_to_string(path(dir.path())).unwrap();
        assert!(!text.contains("clave-secreta"), "{text}");
        assert_eq!(ws.credential_key(), "postgresql://mesa@10.0.0.5:5432/mesa");
        std::fs::write(path(dir.path()), "{no es json").unwrap();
        assert_eq!(read(dir.path()).unwrap_err().code(), "not_a_database");
    }
}
