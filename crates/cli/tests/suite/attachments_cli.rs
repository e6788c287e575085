//! `mesa ticket attach|attachments|detach|attachment-save`, `mesa asset attach-file|…|photo`
//! and `mesa person export|anonymize --delete-attachments` with attachments: the real binary on
//! a temporary data directory, real files.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::Env;

const NOW: &str = "2026-03-10T09:00";

fn new_case(env: &Env) -> String {
    let v = env.json(
        NOW,
        &[
            "ticket",
            "new",
            "--requester",
            "Nubia Cuello",
            "--email",
            "nubia.cuello@indupal.gov.co",
            "--department",
            "Tesorería",
            "--description",
            "No abre el sistema de nómina",
        ],
    );
    v["number"].as_str().unwrap().to_string()
}

/// The stored contents: on SQLite the files under `attachments/`; on PostgreSQL the rows of
/// `attachment_blobs` (the content is in the database; nothing under `attachments/`).
fn stored(env: &Env) -> usize {
    let files = blob_files(env.data.path()).len();
    let s = env.store();
    match s.engine() {
        mesa_core::db::Engine::Sqlite => files,
        mesa_core::db::Engine::Postgres => {
            assert_eq!(files, 0, "no content in the data folder on PostgreSQL");
            s.connection()
                .query_row("SELECT count(*) AS n FROM attachment_blobs", [], |r| {
                    r.get::<_, i64>("n")
                })
                .unwrap() as usize
        }
    }
}

fn blob_files(data: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    if let Ok(rd) = std::fs::read_dir(data.join("attachments")) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(
                    std::fs::read_dir(e.path())
                        .unwrap()
                        .flatten()
                        .map(|f| f.path()),
                );
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn ticket_attach_list_save_and_detach() {
    let env = Env::new();
    let n = new_case(&env);
    let src = tempfile::tempdir().unwrap();
    let shot = src.path().join("pantallazo.png");
    std::fs::write(&shot, b"\x89PNG\r\n\x1a\nno es una imagen completa").unwrap();
    let copy = src.path().join("otra vez.png");
    std::fs::write(&copy, std::fs::read(&shot).unwrap()).unwrap();

    let a = env.json(NOW, &["ticket", "attach", &n, shot.to_str().unwrap()]);
    assert_eq!(a["name"], "pantallazo.png");
    assert_eq!(a["media_type"], "image/png");
    assert_eq!(a["can_open"], true);
    let b = env.json(NOW, &["ticket", "attach", &n, copy.to_str().unwrap()]);
    assert_eq!(a["sha256"], b["sha256"]);
    assert_eq!(stored(&env), 1, "one blob for the same content");

    let out = env.ok(NOW, &["ticket", "attachments", &n]);
    assert!(
        out.contains("pantallazo.png") && out.contains("2 adjuntos"),
        "{out}"
    );
    let list = env.json(NOW, &["ticket", "attachments", &n]);
    assert_eq!(list.as_array().unwrap().len(), 2);

    let dest = src.path().join("guardado.png");
    let id = a["id"].as_i64().unwrap().to_string();
    env.ok(
        NOW,
        &["ticket", "attachment-save", &n, &id, dest.to_str().unwrap()],
    );
    assert_eq!(std::fs::read(&dest).unwrap(), std::fs::read(&shot).unwrap());

    // Removing needs a reason; the row stays, the blob stays while «otra vez.png» refers to it.
    let e = env.fails(NOW, &["ticket", "detach", &n, &id, "--reason", " "]);
    assert_eq!(e["code"], "validation");
    env.ok(
        NOW,
        &[
            "ticket",
            "detach",
            &n,
            &id,
            "--reason",
            "Se adjuntó por error",
        ],
    );
    assert_eq!(stored(&env), 1);
    let id2 = b["id"].as_i64().unwrap().to_string();
    env.ok(
        NOW,
        &["ticket", "detach", &n, &id2, "--reason", "Duplicado"],
    );
    assert_eq!(stored(&env), 0);
    let out = env.ok(NOW, &["ticket", "attachments", &n]);
    assert!(
        out.contains("quitado") && out.contains("Se adjuntó por error"),
        "{out}"
    );

    // The timeline says so.
    let show = env.ok(NOW, &["ticket", "show", &n]);
    assert!(
        show.contains("attachment_added") && show.contains("attachment_removed"),
        "{show}"
    );
}

#[test]
fn refusals_leave_nothing_behind() {
    let env = Env::new();
    let n = new_case(&env);
    let src = tempfile::tempdir().unwrap();
    let empty = src.path().join("vacío.txt");
    std::fs::write(&empty, b"").unwrap();
    let e = env.fails(NOW, &["ticket", "attach", &n, empty.to_str().unwrap()]);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("«vacío.txt» está vacío"),
        "{e}"
    );
    let e = env.fails(
        NOW,
        &[
            "ticket",
            "attach",
            &n,
            src.path().join("no-hay.pdf").to_str().unwrap(),
        ],
    );
    assert!(e["message"].as_str().unwrap().contains("no-hay.pdf"), "{e}");
    let ok = src.path().join("nota.txt");
    std::fs::write(&ok, b"hola").unwrap();
    let e = env.fails(
        NOW,
        &["ticket", "attach", "MA-2026-0999", ok.to_str().unwrap()],
    );
    assert_eq!(e["code"], "ticket_not_found");
    assert_eq!(stored(&env), 0);

    // An executable is stored, marked, and can only be saved.
    let exe = src.path().join("instalador.exe");
    std::fs::write(&exe, b"MZ\x90\x00\x03").unwrap();
    let a = env.json(NOW, &["ticket", "attach", &n, exe.to_str().unwrap()]);
    assert_eq!(a["executable"], true);
    assert_eq!(a["can_open"], false);
}

#[test]
fn asset_files_and_photo() {
    let env = Env::new();
    env.ok(
        NOW,
        &[
            "asset",
            "new",
            "--tag",
            "IND-0083",
            "--kind",
            "Computador de escritorio",
        ],
    );
    let src = tempfile::tempdir().unwrap();
    let pdf = src.path().join("factura.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    let a = env.json(
        NOW,
        &["asset", "attach-file", "ind0083", pdf.to_str().unwrap()],
    );
    assert_eq!(a["type_label"], "Documento PDF");
    let id = a["id"].as_i64().unwrap().to_string();
    let e = env.fails(NOW, &["asset", "photo", "IND0083", &id]);
    assert_eq!(e["code"], "validation");
    let list = env.json(NOW, &["asset", "attachments", "IND0083"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    env.ok(
        NOW,
        &[
            "asset",
            "detach-file",
            "IND0083",
            &id,
            "--reason",
            "Factura equivocada",
        ],
    );
    let list = env.json(NOW, &["asset", "attachments", "IND0083"]);
    assert!(list[0]["removed_at"].is_string());
}

#[test]
fn person_export_copies_attachments_and_anonymize_can_delete_them() {
    let env = Env::new();
    let n = new_case(&env);
    let src = tempfile::tempdir().unwrap();
    let f = src.path().join("cédula.pdf");
    std::fs::write(&f, b"%PDF-1.4\ncedula\n%%EOF\n").unwrap();
    env.ok(NOW, &["ticket", "attach", &n, f.to_str().unwrap()]);

    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("nubia.json");
    env.ok(
        NOW,
        &[
            "person",
            "export",
            "Nubia Cuello",
            "--to",
            json.to_str().unwrap(),
        ],
    );
    let ex: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let listed = &ex["attachments"][0];
    assert_eq!(listed["name"], "cédula.pdf");
    let rel = listed["file"].as_str().unwrap();
    assert!(rel.starts_with("nubia-adjuntos/"), "{rel}");
    assert_eq!(
        std::fs::read(out.path().join(rel)).unwrap(),
        std::fs::read(&f).unwrap()
    );

    let r = env.json(
        NOW,
        &[
            "person",
            "anonymize",
            "Nubia Cuello",
            "--yes",
            "--delete-attachments",
        ],
    );
    assert_eq!(r["attachments_removed"], 1);
    assert_eq!(stored(&env), 0);
    let list = env.json(NOW, &["ticket", "attachments", &n]);
    assert_eq!(list[0]["remove_reason"], "Ley 1581");
}
