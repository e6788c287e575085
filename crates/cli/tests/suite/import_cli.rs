//! `mesa import …` end to end: JSON summary keys, list, undo, refused files (non-zero exit,
//! Spanish message, nothing written), imported cases in `mesa ticket list --json`.

use std::path::PathBuf;

use crate::common::{parse_json, Env};

const NOW: &str = "2026-03-02T10:00";

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
}

#[test]
fn import_list_undo_and_ticket_list() {
    let env = Env::new();
    let xls = fixture("legacy/relacion_2021.xls");
    let (ok, out, err) = env.outcome(
        NOW,
        &["import", xls.to_str().unwrap(), "--dry-run", "--json"],
    );
    assert!(ok, "{err}");
    let r = parse_json(&out);
    assert_eq!(r["imported"], 125);
    assert!(r["batch"].is_null());
    for k in ["duplicates", "warnings", "errors"] {
        assert!(!r[k].is_null(), "{k}");
    }
    let (ok, out, _) = env.outcome(NOW, &["ticket", "list", "--json"]);
    assert!(ok);
    assert_eq!(
        parse_json(&out).as_array().unwrap().len(),
        0,
        "dry run writes nothing"
    );

    let (ok, out, err) = env.outcome(NOW, &["import", xls.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let r = parse_json(&out);
    assert_eq!(r["imported"], 125);
    let batch = r["batch"].as_i64().unwrap();

    let (ok, out, _) = env.outcome(NOW, &["ticket", "list", "--json", "--limit", "500"]);
    assert!(ok);
    let page = parse_json(&out);
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

    let (ok, out, _) = env.outcome(NOW, &["import", "list", "--json"]);
    assert!(ok);
    assert_eq!(parse_json(&out)[0]["id"], batch);
    let (ok, _, err) = env.outcome(NOW, &["import", "undo", &batch.to_string()]);
    assert!(ok, "{err}");
    let (_, out, _) = env.outcome(NOW, &["ticket", "list", "--json"]);
    assert_eq!(parse_json(&out).as_array().unwrap().len(), 0);
}

#[test]
fn bad_files_exit_non_zero_with_a_spanish_message() {
    let env = Env::new();
    for f in ["legacy/truncated.xlsx", "legacy/empty.xlsx"] {
        let p = fixture(f);
        let (ok, out, err) = env.outcome(NOW, &["import", p.to_str().unwrap()]);
        assert!(!ok, "{f}: {out}");
        assert!(err.contains("No se importó nada"), "{f}: {err}");
        let (_, out, _) = env.outcome(NOW, &["ticket", "list", "--json"]);
        assert_eq!(parse_json(&out).as_array().unwrap().len(), 0);
    }
    let (ok, _, err) = env.outcome(
        NOW,
        &[
            "--json",
            "import",
            fixture("legacy/truncated.xlsx").to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert_eq!(parse_json(err.trim())["code"], "import_damaged");
    // A CSV renamed .xlsx imports as CSV.
    let renamed = env.data.path().join("casos.xlsx");
    std::fs::copy(fixture("legacy/casos_exportados.csv"), &renamed).unwrap();
    let (ok, out, err) = env.outcome(NOW, &["import", renamed.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    assert_eq!(parse_json(&out)["imported"], 120);
}

/// Issue 15: the dry run's counts add up per sheet, in the JSON and in the text; columns
/// mapped by their content are marked as suggestions; the batch keeps that mapping.
#[test]
fn rows_equation_and_inferred_columns_in_json_and_text() {
    let env = Env::new();
    let xlsx = fixture("unseen/bitacora_secretaria.xlsx");
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixture("unseen/bitacora_secretaria.xlsx.truth.json")).unwrap(),
    )
    .unwrap();
    let (ok, out, err) = env.outcome(
        NOW,
        &["import", xlsx.to_str().unwrap(), "--dry-run", "--json"],
    );
    assert!(ok, "{err}");
    let r = parse_json(&out);
    let s = &r["sheets"][0];
    assert_eq!(s["rows"], truth["rows"]);
    assert_eq!(s["cases"], truth["cases"]);
    let skipped: u64 = s["skipped_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        s["rows"].as_u64().unwrap(),
        s["cases"].as_u64().unwrap() + s["duplicates"].as_u64().unwrap() + skipped
    );
    let (ok, out, err) = env.outcome(NOW, &["import", xlsx.to_str().unwrap(), "--dry-run"]);
    assert!(ok, "{err}");
    let want = format!(
        "Filas: {} = {} casos + 0 duplicados + {skipped} omitidas (",
        truth["rows"], truth["cases"]
    );
    assert!(out.contains(&want), "{want}\n{out}");
    assert!(
        out.contains("1 totales") && out.contains("1 notas sueltas"),
        "{out}"
    );

    // Headers that match nothing: content inference, shown as suggestions and kept in the batch.
    let ods = fixture("unseen/planilla_campos.ods");
    let (ok, out, err) = env.outcome(NOW, &["import", ods.to_str().unwrap(), "--dry-run"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("«Dato E» → Descripción (sugerido por el contenido)"),
        "{out}"
    );
    let (ok, out, err) = env.outcome(NOW, &["import", ods.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let batch = parse_json(&out)["batch"].as_i64().unwrap();
    let map = env.data.path().join("mapeo.json");
    let (ok, _, err) = env.outcome(
        NOW,
        &[
            "import",
            ods.to_str().unwrap(),
            "--dry-run",
            "--save-mapping",
            map.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let saved = parse_json(&std::fs::read_to_string(&map).unwrap());
    assert_eq!(saved["inferred"]["Dato F"], "assignee");
    assert_eq!(saved["columns"]["Dato G"], "status");
    // Re-import with the saved mapping: the same records, nothing new.
    let (ok, out, err) = env.outcome(
        NOW,
        &[
            "import",
            ods.to_str().unwrap(),
            "--mapping",
            map.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(parse_json(&out)["imported"], 0);
    let (ok, _, err) = env.outcome(NOW, &["import", "undo", &batch.to_string()]);
    assert!(ok, "{err}");
}
