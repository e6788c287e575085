//! Where the data lives: the per-user data directory of the OS (via `directories`),
//! overridable with `--data-dir` or the `MESA_DATA_DIR` environment variable.

use std::path::{Path, PathBuf};

use crate::error::{CoreError, Result};

pub const DATA_DIR_ENV: &str = "MESA_DATA_DIR";
pub const DB_FILE: &str = "mesa.db";

/// Resolves the data directory: explicit argument, then `MESA_DATA_DIR`, then the OS default
/// (Linux `~/.local/share/mesa-de-ayuda-ti`, Windows `%APPDATA%\INDUPAL\Mesa de Ayuda TI\data`,
/// macOS `~/Library/Application Support/co.indupal.Mesa-de-Ayuda-TI`).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("co", "INDUPAL", "Mesa de Ayuda TI")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(CoreError::NoDataDir)
}

pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_dir_wins() {
        let p = data_dir(Some(Path::new("/tmp/x"))).unwrap();
        assert_eq!(p, PathBuf::from("/tmp/x"));
        assert_eq!(db_path(&p), PathBuf::from("/tmp/x/mesa.db"));
    }
}
