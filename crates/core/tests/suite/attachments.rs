//! Attachments of cases and equipment (issue 13): content-addressed store, dedupe, refusals,
//! no orphan after a failed write, removal, photo on the hoja de vida, restore from a backup.
//! Real SQLite files and real files in temp dirs.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mesa_core::assets::NewAsset;
use mesa_core::attachments::{blob_path, AttachmentOwner};
use mesa_core::clock::parse_time_input;
use mesa_core::safety::backup::BackupKind;
use mesa_core::*;
use sha2::{Digest, Sha256};

const TECH: &str = "Técnico de sistemas";

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn setup() -> (crate::support::TestDb, Store, String) {
    let dir = crate::support::db();
    let mut s = dir.open();
    let t = s
        .create_ticket(
            &NewTicket {
                requester: "Ana Gutiérrez".into(),
                department: "Contabilidad".into(),
                description: "La impresora no imprime".into(),
                ..Default::default()
            },
            TECH,
            at("2026-02-12T08:30"),
        )
        .unwrap();
    (dir, s, t.number)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The stored content, per engine: on SQLite every file under `attachments/` (temp files
/// included, by path); on PostgreSQL the hashes in `attachment_blobs` and every file of the
/// workstation's `attachments-cache/` (db::blobs).
fn stored(s: &Store, data: &Path) -> Vec<String> {
    let files = |root: &Path| -> Vec<String> {
        let mut out = vec![];
        let Ok(rd) = std::fs::read_dir(root) else {
            return out;
        };
        for e in rd.flatten() {
            if e.path().is_dir() {
                for f in std::fs::read_dir(e.path()).unwrap().flatten() {
                    out.push(f.path().display().to_string());
                }
            } else {
                out.push(e.path().display().to_string());
            }
        }
        out
    };
    let mut out = match s.engine() {
        mesa_core::db::Engine::Sqlite => blobs(data)
            .into_iter()
            .map(|p| p.display().to_string())
            .collect(),
        mesa_core::db::Engine::Postgres => {
            let mut st = s
                .connection()
                .prepare("SELECT sha256 FROM attachment_blobs ORDER BY sha256")
                .unwrap();
            let mut v: Vec<String> = st
                .query_map([], |r| r.get("sha256"))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            v.extend(files(&data.join(mesa_core::db::blobs::CACHE_DIR)));
            assert!(files(&data.join("attachments")).is_empty());
            v
        }
    };
    out.sort();
    out
}

/// What [`stored`] shows for the content `sha256` alone.
fn only(s: &Store, data: &Path, sha256: &str) -> Vec<String> {
    match s.engine() {
        mesa_core::db::Engine::Sqlite => vec![blob_path(data, sha256).display().to_string()],
        mesa_core::db::Engine::Postgres => vec![sha256.to_string()],
    }
}

/// Every blob file under `attachments/` (temp files included).
fn blobs(data: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let root = data.join("attachments");
    let Ok(rd) = std::fs::read_dir(&root) else {
        return out;
    };
    for e in rd.flatten() {
        if e.path().is_dir() {
            for f in std::fs::read_dir(e.path()).unwrap().flatten() {
                out.push(f.path());
            }
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn png_bytes() -> Vec<u8> {
    let mut out = vec![];
    {
        let mut e = png::Encoder::new(&mut out, 4, 3);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&[200u8; 4 * 3 * 3]).unwrap();
    }
    out
}

#[test]
fn the_same_file_twice_is_stored_once_and_listed_with_its_timeline() {
    let (dir, mut s, n) = setup();
    let src = tempfile::tempdir().unwrap();
    let pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n".to_vec();
    let p1 = write(src.path(), "pantallazo.pdf", &pdf);
    let p2 = write(src.path(), "copia del pantallazo.pdf", &pdf);
    let owner = AttachmentOwner::Ticket(n.clone());
    let a = s
        .attach_file(&owner, &p1, TECH, at("2026-02-12T09:00"))
        .unwrap();
    let b = s
        .attach_file(&owner, &p2, TECH, at("2026-02-12T09:01"))
        .unwrap();
    assert_eq!(a.sha256, sha(&pdf));
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(a.media_type, "application/pdf");
    assert_eq!(a.type_label, "Documento PDF");
    assert_eq!(a.size, pdf.len() as i64);
    assert!(a.can_open && !a.executable);
    assert_eq!(
        stored(&s, dir.data_dir()),
        only(&s, dir.data_dir(), &a.sha256)
    );
    let (_, p) = s.attachment_blob(&owner, a.id).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), pdf);

    let d = s.get_ticket(&n, at("2026-02-12T09:02")).unwrap();
    let names: Vec<&str> = d.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["pantallazo.pdf", "copia del pantallazo.pdf"]);
    let added: Vec<_> = d
        .events
        .iter()
        .filter(|e| e.kind == "attachment_added")
        .collect();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0].new_value.as_deref(), Some("pantallazo.pdf"));

    // The audit trail has the rows.
    let audited: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE table_name = 'attachments' AND action = 'create'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2);
}

#[test]
fn refusals_name_the_file_and_leave_nothing() {
    let (dir, mut s, n) = setup();
    let src = tempfile::tempdir().unwrap();
    let owner = AttachmentOwner::Ticket(n.clone());
    let now = at("2026-02-12T09:00");

    let empty = write(src.path(), "vacío.txt", b"");
    let e = s.attach_file(&owner, &empty, TECH, now).unwrap_err();
    assert!(e.to_string().contains("«vacío.txt» está vacío"), "{e}");

    let missing = src.path().join("no-existe.pdf");
    let e = s.attach_file(&owner, &missing, TECH, now).unwrap_err();
    assert!(e.to_string().contains("no-existe.pdf"), "{e}");
    assert!(e.to_string().contains("no existe"), "{e}");

    let folder = src.path().join("carpeta");
    std::fs::create_dir(&folder).unwrap();
    let e = s.attach_file(&owner, &folder, TECH, now).unwrap_err();
    assert!(e.to_string().contains("«carpeta» no es un archivo"), "{e}");

    s.set_attachment_max_mb(1).unwrap();
    let big = write(src.path(), "video.mp4", &vec![7u8; 1024 * 1024 + 1]);
    let e = s.attach_file(&owner, &big, TECH, now).unwrap_err();
    assert!(
        e.to_string()
            .contains("«video.mp4» supera el límite de 1 MB"),
        "{e}"
    );
    // Streaming content over the limit (no size known beforehand) is refused too.
    let e = s
        .attach_bytes(&owner, "grande.bin", &vec![1u8; 1024 * 1024 + 5], TECH, now)
        .unwrap_err();
    assert!(
        e.to_string().contains("«grande.bin» supera el límite"),
        "{e}"
    );
    assert!(s.set_attachment_max_mb(0).is_err());
    assert!(s.set_attachment_max_mb(100_000).is_err());

    for bad in ["../secreto.txt", "a/b.txt", "a\\b.txt", "x\u{1}.txt", ".."] {
        let e = s.attach_bytes(&owner, bad, b"hola", TECH, now).unwrap_err();
        assert_eq!(e.code(), "validation", "{bad:?}");
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = write(src.path(), "bloqueado.txt", b"secreto");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::File::open(&locked).is_err() {
            let e = s.attach_file(&owner, &locked, TECH, now).unwrap_err();
            assert!(e.to_string().contains("bloqueado.txt"), "{e}");
        }
    }

    // Nothing was stored, no row, no timeline entry.
    assert!(
        stored(&s, dir.data_dir()).is_empty(),
        "{:?}",
        stored(&s, dir.data_dir())
    );
    assert!(s.list_attachments(&owner).unwrap().is_empty());
    let d = s.get_ticket(&n, now).unwrap();
    assert!(d.events.iter().all(|e| e.kind != "attachment_added"));
}

#[test]
fn no_orphan_blob_after_a_failed_write() {
    let (dir, mut s, _n) = setup();
    let now = at("2026-02-12T09:00");
    // A case that does not exist: refused before any byte is copied.
    let e = s
        .attach_bytes(
            &AttachmentOwner::Ticket("MA-2026-9999".into()),
            "nota.txt",
            b"hola",
            TECH,
            now,
        )
        .unwrap_err();
    assert_eq!(e.code(), "ticket_not_found");
    let e = s
        .attach_bytes(
            &AttachmentOwner::Asset("IND-0404".into()),
            "nota.txt",
            b"hola",
            TECH,
            now,
        )
        .unwrap_err();
    assert_eq!(e.code(), "asset_not_found");
    assert!(stored(&s, dir.data_dir()).is_empty());

    // The insert itself fails after the blob was written: the blob is removed again.
    let (d2, mut s2, n2) = setup();
    let data2 = d2.data_dir().to_path_buf();
    s2.connection()
        .execute_batch(match s2.engine() {
            mesa_core::db::Engine::Sqlite => {
                "CREATE TRIGGER falla BEFORE INSERT ON attachments BEGIN
                     SELECT RAISE(ABORT, 'disco lleno simulado'); END;"
            }
            mesa_core::db::Engine::Postgres => {
                "CREATE FUNCTION falla() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN RAISE EXCEPTION 'disco lleno simulado'; END $$;
                 CREATE TRIGGER falla BEFORE INSERT ON attachments
                     FOR EACH ROW EXECUTE FUNCTION falla();"
            }
        })
        .unwrap();
    let e = s2
        .attach_bytes(
            &AttachmentOwner::Ticket(n2.clone()),
            "nota.txt",
            b"hola",
            TECH,
            now,
        )
        .unwrap_err();
    assert!(e.to_string().contains("disco lleno simulado"), "{e}");
    assert!(stored(&s2, &data2).is_empty(), "{:?}", stored(&s2, &data2));
    let d = s2.get_ticket(&n2, now).unwrap();
    assert!(d.attachments.is_empty());
    assert!(d.events.iter().all(|e| e.kind != "attachment_added"));
}

#[test]
fn removal_keeps_the_row_and_deletes_the_blob_only_when_unreferenced() {
    let (dir, mut s, n) = setup();
    let owner = AttachmentOwner::Ticket(n.clone());
    let now = at("2026-02-12T09:00");
    let a = s
        .attach_bytes(&owner, "a.txt", b"mismo contenido", TECH, now)
        .unwrap();
    let b = s
        .attach_bytes(&owner, "b.txt", b"mismo contenido", TECH, now)
        .unwrap();
    let blob = only(&s, dir.data_dir(), &a.sha256);
    // Opened once: on PostgreSQL this workstation now has a cached copy.
    let (_, opened) = s.attachment_blob(&owner, a.id).unwrap();

    assert!(s.remove_attachment(&owner, a.id, "  ", TECH, now).is_err());
    let r = s
        .remove_attachment(
            &owner,
            a.id,
            "Se adjuntó por error",
            TECH,
            at("2026-02-12T10:00"),
        )
        .unwrap();
    assert!(r.removed_at.is_some());
    assert_eq!(r.remove_reason.as_deref(), Some("Se adjuntó por error"));
    assert!(!r.can_open);
    assert!(
        stored(&s, dir.data_dir()).contains(&blob[0]),
        "b still refers to the blob"
    );
    assert!(opened.is_file());
    assert!(s.attachment_blob(&owner, a.id).is_err());
    assert!(s.attachment_blob(&owner, b.id).is_ok());

    s.remove_attachment(&owner, b.id, "Duplicado", TECH, at("2026-02-12T10:01"))
        .unwrap();
    assert!(
        stored(&s, dir.data_dir()).is_empty(),
        "no live row refers to it: {:?}",
        stored(&s, dir.data_dir())
    );
    assert!(!opened.exists(), "nor the cached copy");
    let list = s.list_attachments(&owner).unwrap();
    assert_eq!(list.len(), 2, "rows stay");
    let d = s.get_ticket(&n, now).unwrap();
    let removed: Vec<_> = d
        .events
        .iter()
        .filter(|e| e.kind == "attachment_removed")
        .collect();
    assert_eq!(removed.len(), 2);
    assert_eq!(removed[0].note.as_deref(), Some("Se adjuntó por error"));
    // Removing twice is refused.
    assert!(s
        .remove_attachment(&owner, b.id, "otra vez", TECH, now)
        .is_err());
}

#[test]
fn executables_are_marked_and_never_opened_but_can_be_saved() {
    let (_dir, mut s, n) = setup();
    let owner = AttachmentOwner::Ticket(n);
    let now = at("2026-02-12T09:00");
    let by_ext = s
        .attach_bytes(&owner, "arreglo.bat", b"echo hola\r\n", TECH, now)
        .unwrap();
    let by_content = s
        .attach_bytes(
            &owner,
            "factura.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00",
            TECH,
            now,
        )
        .unwrap();
    let text = s
        .attach_bytes(&owner, "notas.txt", "Llamó el señor".as_bytes(), TECH, now)
        .unwrap();
    for a in [&by_ext, &by_content] {
        assert!(a.executable && !a.can_open, "{a:?}");
        let e = s.attachment_to_open(&owner, a.id).unwrap_err();
        assert!(e.to_string().contains(&a.name), "{e}");
    }
    assert_eq!(by_content.media_type, "application/x-msdownload");
    assert_eq!(text.media_type, "text/plain");
    assert!(s.attachment_to_open(&owner, text.id).is_ok());
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("copia.bat");
    s.save_attachment_copy(&owner, by_ext.id, &dest).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), b"echo hola\r\n");
}

#[test]
fn an_altered_blob_is_refused() {
    let (dir, mut s, n) = setup();
    let owner = AttachmentOwner::Ticket(n);
    let a = s
        .attach_bytes(
            &owner,
            "acta.txt",
            b"contenido original",
            TECH,
            at("2026-02-12T09:00"),
        )
        .unwrap();
    match s.engine() {
        mesa_core::db::Engine::Sqlite => {
            std::fs::write(blob_path(dir.data_dir(), &a.sha256), b"otro contenido").unwrap()
        }
        mesa_core::db::Engine::Postgres => {
            // Altered on the server (the cached copy would still be good: it is verified by
            // hash, so it is removed first).
            let (_, cached) = s.attachment_blob(&owner, a.id).unwrap();
            std::fs::remove_file(cached).unwrap();
            s.connection()
                .execute(
                    "UPDATE attachment_blob_parts SET content = ?1 WHERE sha256 = ?2",
                    mesa_core::params![b"otro contenido".to_vec(), a.sha256],
                )
                .unwrap();
        }
    }
    let e = s.attachment_blob(&owner, a.id).unwrap_err();
    assert!(e.to_string().contains("fue alterado"), "{e}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdfimages (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn equipment_attachments_photo_and_hoja_de_vida() {
    let (dir, mut s, _n) = setup();
    let now = at("2026-02-12T09:00");
    s.create_asset(
        &NewAsset {
            tag: "IND-0083".into(),
            kind: "Computador de escritorio".into(),
            ..Default::default()
        },
        TECH,
        now,
    )
    .unwrap();
    let owner = AttachmentOwner::Asset("ind0083".into());
    let factura = s
        .attach_bytes(&owner, "factura.pdf", b"%PDF-1.4\n%%EOF\n", TECH, now)
        .unwrap();
    assert!(s.set_asset_photo("IND0083", factura.id, TECH, now).is_err());
    let foto = s
        .attach_bytes(&owner, "equipo.png", &png_bytes(), TECH, now)
        .unwrap();
    assert!(foto.is_image);
    let foto = s.set_asset_photo("IND0083", foto.id, TECH, now).unwrap();
    assert!(foto.is_photo);
    let rec = s.asset_record("IND0083").unwrap();
    assert_eq!(rec.attachments.len(), 2);
    let notes: Vec<String> = rec
        .events
        .iter()
        .filter_map(|e| e.description.clone())
        .collect();
    assert!(
        notes
            .iter()
            .any(|d| d.starts_with("Adjunto agregado: equipo.png")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|d| d == "Foto del equipo: equipo.png"),
        "{notes:?}"
    );

    let pdf = s.asset_sheet_pdf("IND0083", TECH, now).unwrap();
    let out = dir.data_dir().join("hoja.pdf");
    std::fs::write(&out, &pdf).unwrap();
    let list = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&out)
        .output()
        .expect("pdfimages (poppler-utils)");
    let text = String::from_utf8_lossy(&list.stdout);
    // Header lines + one image: the 4×3 photo (no logo configured).
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().nth(3) == Some("4")
                && l.split_whitespace().nth(4) == Some("3")),
        "{text}"
    );
}

#[test]
fn restore_brings_the_attachments_back() {
    if crate::support::skip_on_postgres(
        "copia de seguridad del archivo SQLite con sus adjuntos (en PostgreSQL la copia es pg_dump)",
    ) {
        return;
    }
    let (dir, mut s, n) = setup();
    let owner = AttachmentOwner::Ticket(n.clone());
    let bytes = b"%PDF-1.7\nacta de entrega\n%%EOF\n";
    let a = s
        .attach_bytes(&owner, "acta.pdf", bytes, TECH, at("2026-03-03T09:00"))
        .unwrap();
    let info = s
        .backup_now(BackupKind::Manual, None, at("2026-03-03T11:00"))
        .unwrap();
    assert_eq!(info.attachments, Some(1));
    // Lose the attachments folder.
    std::fs::remove_dir_all(dir.data_dir().join("attachments")).unwrap();
    assert!(s.attachment_blob(&owner, a.id).is_err());
    s.restore_backup(Path::new(&info.path), at("2026-03-04T12:00"))
        .unwrap();
    let (_, p) = s.attachment_blob(&owner, a.id).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), bytes);
    assert_eq!(sha(&std::fs::read(&p).unwrap()), a.sha256);
}

/// A small JPEG (CPython's test image `imghdrdata/python.jpg`): the photo a phone sends, in miniature.
const TINY_JPEG_B64: &str = concat!(
    "/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCw",
    "kJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ",
    "EBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwQF/8",
    "QAJBAAAQQBBAICAwAAAAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAEC",
    "BQMFAAAAAAAAAAAAAAECEQMEBQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaU",
    "VAseUgslSlH9LKuPryIKuWPZdskzXmm3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWkezS0hO/Hv",
    "uRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKhQMzo5po9XLdDs9d6ZVix2V",
    "EhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27flGAUgmITjbhSmCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwet",
    "f//Z",
);

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdfimages and pdftoppm (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn a_jpeg_photo_is_embedded_in_the_hoja_de_vida() {
    use base64::Engine;
    let (dir, mut s, _n) = setup();
    let now = at("2026-02-12T09:00");
    s.create_asset(
        &NewAsset {
            tag: "IND-0090".into(),
            kind: "Portátil".into(),
            ..Default::default()
        },
        TECH,
        now,
    )
    .unwrap();
    let jpeg = base64::engine::general_purpose::STANDARD
        .decode(TINY_JPEG_B64)
        .unwrap();
    let owner = AttachmentOwner::Asset("IND0090".into());
    let foto = s
        .attach_bytes(&owner, "foto.jpg", &jpeg, TECH, now)
        .unwrap();
    assert_eq!(foto.media_type, "image/jpeg");
    s.set_asset_photo("IND0090", foto.id, TECH, now).unwrap();
    let out = dir.data_dir().join("hoja-jpeg.pdf");
    std::fs::write(&out, s.asset_sheet_pdf("IND0090", TECH, now).unwrap()).unwrap();
    let list = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&out)
        .output()
        .expect("pdfimages (poppler-utils)");
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.lines().any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 8 && f[3] == "16" && f[4] == "16" && f[8] == "jpeg"
        }),
        "{text}"
    );
    // Poppler renders the page without complaint.
    let render = std::process::Command::new("pdftoppm")
        .args(["-r", "20", "-png"])
        .arg(&out)
        .arg(dir.data_dir().join("pagina"))
        .output()
        .unwrap();
    assert!(
        render.status.success() && render.stderr.is_empty(),
        "{:?}",
        render
    );
}

#[test]
fn a_file_attached_on_one_workstation_opens_on_another() {
    let (dir, mut a, n) = setup();
    let elsewhere = tempfile::tempdir().unwrap();
    let b = dir.open_elsewhere(elsewhere.path());
    let owner = AttachmentOwner::Ticket(n.clone());
    let now = at("2026-02-12T09:00");
    // Over two 1 MiB pieces on PostgreSQL.
    let big: Vec<u8> = (0..(2 * 1024 * 1024 + 123))
        .map(|i| (i % 251) as u8)
        .collect();
    let x = a
        .attach_bytes(&owner, "planos.bin", &big, TECH, now)
        .unwrap();
    assert_eq!(x.sha256, sha(&big));

    // The other workstation lists it and opens it: the system's program gets a local file.
    let listed = b.list_attachments(&owner).unwrap();
    assert_eq!(listed.len(), 1);
    let (found, p) = b.attachment_to_open(&owner, x.id).unwrap();
    assert_eq!(found.name, "planos.bin");
    assert_eq!(std::fs::read(&p).unwrap(), big);
    if b.engine() == mesa_core::db::Engine::Postgres {
        assert!(
            p.starts_with(elsewhere.path().join("attachments-cache")),
            "{p:?}"
        );
        assert!(
            !dir.data_dir().join("attachments").exists(),
            "no content in a folder on PostgreSQL"
        );
    }
    // And saves a copy.
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("copia.bin");
    b.save_attachment_copy(&owner, x.id, &dest).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), big);
    // The same content attached again on the other workstation is stored once.
    let mut b = b;
    let y = b
        .attach_bytes(&owner, "planos (2).bin", &big, TECH, now)
        .unwrap();
    assert_eq!(y.sha256, x.sha256);
    assert_eq!(stored(&b, dir.data_dir()).len(), 1);

    // Removed on the first workstation (both rows): the other can no longer open it, and its
    // cached copy goes when it next starts.
    a.remove_attachment(&owner, x.id, "Error", TECH, now)
        .unwrap();
    a.remove_attachment(&owner, y.id, "Error", TECH, now)
        .unwrap();
    let e = b.attachment_blob(&owner, x.id).unwrap_err();
    assert!(e.to_string().contains("fue quitado"), "{e}");
    drop(b);
    let _b = dir.open_elsewhere(elsewhere.path());
    assert!(!p.exists(), "{p:?}");
    assert!(stored(&a, dir.data_dir()).is_empty());
}

#[test]
fn a_ley_1581_removal_deletes_the_content_from_the_store() {
    let (dir, mut s, n) = setup();
    let owner = AttachmentOwner::Ticket(n);
    let now = at("2026-02-12T09:00");
    let a = s
        .attach_bytes(
            &owner,
            "cedula.txt",
            b"Cedula 52123456 de Ana Gutierrez",
            TECH,
            now,
        )
        .unwrap();
    let (_, opened) = s.attachment_blob(&owner, a.id).unwrap();
    assert!(!stored(&s, dir.data_dir()).is_empty());
    s.anonymize_person_with("Ana Gutiérrez", true, "Oficial de datos", now)
        .unwrap();
    assert!(
        stored(&s, dir.data_dir()).is_empty(),
        "{:?}",
        stored(&s, dir.data_dir())
    );
    assert!(!opened.exists());
}

/// Measurement, not a timed test: a 25 MB attachment stored and opened on this run's engine
/// (on PostgreSQL: into the database, then streamed into another workstation's cache).
/// `cargo test -p mesa-core --features postgres --test suite -- --ignored attachments::bench_ --nocapture`
/// (with `MESA_TEST_ENGINE=postgres` for the server).
#[test]
#[ignore = "medición"]
fn bench_attach_and_open_25_mb() {
    let (dir, mut s, n) = setup();
    let owner = AttachmentOwner::Ticket(n);
    let bytes: Vec<u8> = (0..25 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let t = std::time::Instant::now();
    let a = s
        .attach_bytes(&owner, "video.bin", &bytes, TECH, at("2026-02-12T09:00"))
        .unwrap();
    let attach = t.elapsed();
    let elsewhere = tempfile::tempdir().unwrap();
    let b = dir.open_elsewhere(elsewhere.path());
    let t = std::time::Instant::now();
    let (_, p) = b.attachment_to_open(&owner, a.id).unwrap();
    let first_open = t.elapsed();
    let t = std::time::Instant::now();
    b.attachment_to_open(&owner, a.id).unwrap();
    let cached_open = t.elapsed();
    assert_eq!(std::fs::metadata(&p).unwrap().len(), bytes.len() as u64);
    println!(
        "{:?}: adjuntar 25 MB {:.2} s, abrir en otro equipo {:.2} s, abrir otra vez {:.2} s",
        s.engine(),
        attach.as_secs_f64(),
        first_open.as_secs_f64(),
        cached_open.as_secs_f64()
    );
}
