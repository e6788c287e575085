//! `mesa import …` end to end: JSON summary keys, list, undo, refused files (non-zero exit,
//! Spanish message, nothing written), imported cases in `mesa ticket list --json`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
}

fn mesa(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mesa"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--now", "2026-03-02T10:00"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn import_list_undo_and_ticket_list() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let xls = fixture("legacy/relacion_2021.xls");
    let (ok, out, err) = mesa(d, &["import", xls.to_str().unwrap(), "--dry-run", "--json"]);
    assert!(ok, "{err}");
    let r = json(&out);
    assert_eq!(r["imported"], 125);
    assert!(r["batch"].is_null());
    for k in ["duplicates", "warnings", "errors"] {
        assert!(!r[k].is_null(), "{k}");
    }
    let (ok, out, _) = mesa(d, &["ticket", "list", "--json"]);
    assert!(ok);
    assert_eq!(
        json(&out).as_array().unwrap().len(),
        0,
        "dry run writes nothing"
    );

    let (ok, out, err) = mesa(d, &["import", xls.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let r = json(&out);
    assert_eq!(r["imported"], 125);
    let batch = r["batch"].as_i64().unwrap();

    let (ok, out, _) = mesa(d, &["ticket", "list", "--json", "--limit", "500"]);
    assert!(ok);
    let page = json(&out);
    assert_eq!(page.as_array().unwrap().len(), 125);
    let item = page
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["source"]["sheet"] == "II SEMESTRE" && t["source"]["row"] == 3)
        .expect("caso de la fila 3");
    assert_eq!(item["legacy_number"], "1");
    assert_eq!(item["source"]["file"], "relacion_2021.xls");
    assert!(item["extra"].is_object());

    let (ok, out, _) = mesa(d, &["import", "list", "--json"]);
    assert!(ok);
    assert_eq!(json(&out)[0]["id"], batch);
    let (ok, _, err) = mesa(d, &["import", "undo", &batch.to_string()]);
    assert!(ok, "{err}");
    let (_, out, _) = mesa(d, &["ticket", "list", "--json"]);
    assert_eq!(json(&out).as_array().unwrap().len(), 0);
}

#[test]
fn bad_files_exit_non_zero_with_a_spanish_message() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for f in ["legacy/truncated.xlsx", "legacy/empty.xlsx"] {
        let p = fixture(f);
        let (ok, out, err) = mesa(d, &["import", p.to_str().unwrap()]);
        assert!(!ok, "{f}: {out}");
        assert!(err.contains("No se importó nada"), "{f}: {err}");
        let (_, out, _) = mesa(d, &["ticket", "list", "--json"]);
        assert_eq!(json(&out).as_array().unwrap().len(), 0);
    }
    let (ok, _, err) = mesa(
        d,
        &[
            "--json",
            "import",
            fixture("legacy/truncated.xlsx").to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert_eq!(json(err.trim())["code"], "import_damaged");
    // A CSV renamed .xlsx imports as CSV.
    let renamed = d.join("casos.xlsx");
    std::fs::copy(fixture("legacy/casos_exportados.csv"), &renamed).unwrap();
    let (ok, out, err) = mesa(d, &["import", renamed.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    assert_eq!(json(&out)["imported"], 120);
}
