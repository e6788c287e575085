//! Refusing a database on a network drive (issue 14, «Safe sharing»): SQLite's WAL needs every
//! user on the same computer, and two PCs on one shared file can corrupt it. Checked when the
//! store opens a file: on Windows a UNC path (`\\server\share`, `\\?\UNC\…`) or a mapped network
//! drive (which the system resolves to its UNC path); on Linux the type of the filesystem the path is mounted on
//! (NFS, SMB/CIFS, SSHFS…), read from `/proc/self/mountinfo`.

use std::path::Path;

use crate::error::{CoreError, Result};

/// Filesystem types (Linux `mountinfo`) that live on another computer.
const NETWORK_FS: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "ncpfs",
    "afs",
    "ceph",
    "glusterfs",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.s3fs",
    "davfs",
    "fuse.davfs2",
];

/// Whether a path written Windows-style is a UNC path (`\\server\share\…`, `//server/share`,
/// `\\?\UNC\server\share`), as opposed to a local drive (`C:\…`, `\\?\C:\…`, `\\.\…`).
pub fn is_unc(path: &str) -> bool {
    let p = path.replace('/', "\\");
    if let Some(rest) = p.strip_prefix("\\\\?\\") {
        return rest.len() >= 4 && rest[..4].eq_ignore_ascii_case("UNC\\");
    }
    if p.starts_with("\\\\.\\") {
        return false;
    }
    p.starts_with("\\\\") && p.len() > 2 && !p[2..].starts_with('\\')
}

/// The network filesystem type `path` sits on, from a `mountinfo` text: the mount point that is
/// the longest prefix of `path` decides.
pub fn network_fs_in(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(mount_point) = fields.get(4) else {
            continue;
        };
        let Some(sep) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let Some(fstype) = fields.get(sep + 1) else {
            continue;
        };
        let mp = unescape(mount_point);
        if path.starts_with(&mp) && best.as_ref().is_none_or(|(len, _)| mp.len() >= *len) {
            best = Some((mp.len(), fstype.to_string()));
        }
    }
    best.map(|(_, t)| t)
        .filter(|t| NETWORK_FS.contains(&t.as_str()))
}

/// `mountinfo` escapes spaces and a few other bytes as `\040`-style octal.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = b[i + 1..i + 4]
                .iter()
                .fold(0u32, |acc, c| acc * 8 + u32::from(c - b'0'));
            out.push(v as u8);
            i += 4;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The nearest existing ancestor of `path`, made absolute (the file may not exist yet).
fn existing_ancestor(path: &Path) -> Option<std::path::PathBuf> {
    let mut p = path;
    loop {
        if let Ok(c) = std::fs::canonicalize(p) {
            return Some(c);
        }
        p = p.parent()?;
    }
}

/// Refuses a database path on a network drive with a Spanish message saying why and what to do.
pub fn refuse_network_path(path: &Path) -> Result<()> {
    if let Some(kind) = network_kind(path) {
        return Err(CoreError::NetworkDatabase {
            path: path.display().to_string(),
            kind,
        });
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn network_kind(path: &Path) -> Option<String> {
    let abs = existing_ancestor(path)?;
    let info = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    network_fs_in(&info, &abs).map(|t| format!("sistema de archivos {t}"))
}

#[cfg(windows)]
fn network_kind(path: &Path) -> Option<String> {
    if is_unc(&path.to_string_lossy()) {
        return Some("ruta UNC de red".into());
    }
    // A mapped network drive (Z:) canonicalises to its UNC form (\\?\UNC\servidor\…).
    let abs = existing_ancestor(path)?;
    is_unc(&abs.to_string_lossy()).then(|| "unidad de red asignada".into())
}

#[cfg(not(any(target_os = "linux", windows)))]
fn network_kind(_path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unc_paths_are_network_and_drives_are_not() {
        assert!(is_unc(r"\\servidor\compartida\mesa.db"));
        assert!(is_unc("//servidor/compartida/mesa.db"));
        assert!(is_unc(r"\\?\UNC\servidor\compartida\mesa.db"));
        assert!(!is_unc(r"C:\Users\ana\AppData\Roaming\mesa.db"));
        assert!(!is_unc(r"\\?\C:\datos\mesa.db"));
        assert!(!is_unc(r"\\.\PhysicalDrive0"));
        assert!(!is_unc(r"D:mesa.db"));
        assert!(!is_unc("/home/ana/mesa.db"));
    }

    const MOUNTINFO: &str = "\
22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
35 22 0:31 / /tmp rw,nosuid shared:15 - tmpfs tmpfs rw
40 22 0:40 / /mnt/oficina rw,relatime shared:20 - cifs //servidor/compartida rw,vers=3.1.1
41 22 0:41 / /srv/nfs rw,relatime shared:21 - nfs4 servidor:/export rw
42 40 253:2 / /mnt/oficina/local rw shared:22 - ext4 /dev/vdb1 rw
43 22 0:42 / /mnt/con\\040espacio rw shared:23 - fuse.sshfs ana@servidor: rw
";

    #[test]
    fn the_longest_mount_point_decides() {
        let f = |p: &str| network_fs_in(MOUNTINFO, Path::new(p));
        assert_eq!(f("/mnt/oficina/mesa.db").as_deref(), Some("cifs"));
        assert_eq!(f("/srv/nfs/datos/mesa.db").as_deref(), Some("nfs4"));
        assert_eq!(f("/mnt/con espacio/mesa.db").as_deref(), Some("fuse.sshfs"));
        assert_eq!(f("/mnt/oficina/local/mesa.db"), None);
        assert_eq!(f("/tmp/mesa.db"), None);
        assert_eq!(f("/home/ana/mesa.db"), None);
        // «/mnt/oficina2» is not under «/mnt/oficina».
        assert_eq!(f("/mnt/oficina2/mesa.db"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_local_temporary_folder_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        refuse_network_path(&dir.path().join("mesa.db")).unwrap();
    }
}
