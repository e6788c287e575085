//! The placa as the office writes it, end to end with the real `mesa` binary: created as
//! `IND-0083`, found as `IND0083` or `ind 0083`, refused again in another form, and shown and
//! printed as `IND-0083` (JSON, text, hoja de vida PDF, cronograma PDF).

use std::path::Path;
use std::process::Command;

use crate::common::Env;

const NOW: &str = "2026-03-10T09:00";

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) instalado");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn a_placa_is_shown_as_written_and_found_in_any_form() {
    let env = Env::new();
    let a = env.json(
        NOW,
        &[
            "asset",
            "new",
            "--tag",
            " IND-0083 ",
            "--kind",
            "Computador de escritorio",
            "--department",
            "Tesorería",
        ],
    );
    assert_eq!(a["tag"], "IND-0083");
    for typed in ["IND0083", "ind 0083", "ind-0083"] {
        let show = env.json(NOW, &["asset", "show", typed]);
        assert_eq!(show["tag"], "IND-0083", "{typed}: {show}");
        let list = env.json(NOW, &["asset", "list", "--search", typed]);
        let tags: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["tag"].as_str().unwrap())
            .collect();
        assert_eq!(tags, ["IND-0083"], "{typed}");
    }
    let text = env.ok(NOW, &["asset", "show", "ind0083"]);
    assert!(text.contains("IND-0083"), "{text}");
    assert!(!text.contains("IND0083"), "{text}");
    let text = env.ok(NOW, &["asset", "list"]);
    assert!(text.contains("IND-0083"), "{text}");

    // The same placa written another way is the same equipment: refused.
    let e = env.fails(
        NOW,
        &["asset", "new", "--tag", "IND0083", "--kind", "Impresora"],
    );
    assert_eq!(e["code"], "duplicate_asset");
    assert!(e["message"].as_str().unwrap().contains("«IND-0083»"), "{e}");
    assert_eq!(
        env.json(NOW, &["asset", "list"]).as_array().unwrap().len(),
        1
    );

    // Hoja de vida PDF.
    let sheet = env.data.path().join("hoja.pdf");
    env.ok(
        NOW,
        &[
            "asset",
            "sheet",
            "ind 0083",
            "--pdf",
            sheet.to_str().unwrap(),
        ],
    );
    let text = pdftotext(&sheet);
    assert!(text.contains("IND-0083"), "{text}");
    assert!(!text.contains("IND0083"), "{text}");

    // Maintenance plan: the item names the equipment as written; so does the cronograma.
    env.ok(NOW, &["plan", "new", "--year", "2026"]);
    let item = env.json(
        NOW,
        &[
            "plan",
            "item",
            "--year",
            "2026",
            "--asset",
            "IND0083",
            "--activity",
            "Limpieza y revisión",
            "--checklist",
            "Limpieza interna",
            "--frequency",
            "anual",
            "--start-month",
            "4",
            "--responsible",
            "Técnico de sistemas",
        ],
    );
    assert_eq!(item["target"]["tag"], "IND-0083", "{item}");
    let pdf = env.data.path().join("cronograma.pdf");
    let xlsx = env.data.path().join("cronograma.xlsx");
    env.json(
        NOW,
        &[
            "cronograma",
            "--year",
            "2026",
            "--pdf",
            pdf.to_str().unwrap(),
            "--xlsx",
            xlsx.to_str().unwrap(),
        ],
    );
    let text = pdftotext(&pdf);
    assert!(text.contains("IND-0083"), "{text}");
    assert!(!text.contains("IND0083"), "{text}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
}
