//! `mesa risk …` on the real binary (issue 18): the prefilled map, a new risk, `set`, a
//! control moving the residual position, refusals, and the XLSX/PDF export.

use crate::common::Env;

const NOW: &str = "2026-03-10T09:00:00-05:00";

#[test]
fn risk_map_from_the_command_line() {
    let env = Env::new();
    let list = env.json(NOW, &["risk", "list"]);
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["R-01", "R-02", "R-03", "R-04", "R-05"]);
    let text = env.ok(NOW, &["risk", "list"]);
    assert!(text.contains("R-01   Extrema   → Extrema"), "{text}");

    let r = env.json(
        NOW,
        &[
            "risk",
            "new",
            "--description",
            "Posibilidad de daño de equipos debido a variaciones de voltaje por falta de UPS",
            "--classification",
            "Daños a activos fijos / eventos externos",
            "--probability",
            "4",
            "--impact",
            "4",
            "--treatment",
            "compartir",
            "--next-review",
            "01/03/2026",
        ],
    );
    assert_eq!(r["code"], "R-06");
    assert_eq!(r["inherent_zone"], "high");
    assert_eq!(r["treatment"], "share");
    assert_eq!(r["review_overdue"], true);

    // set keeps what is not given.
    let r = env.json(
        NOW,
        &["risk", "set", "R-06", "--probability", "5", "--impact", "3"],
    );
    assert_eq!(r["probability"], 5);
    assert_eq!(r["impact"], 3);
    assert_eq!(r["treatment"], "share");
    assert_eq!(r["next_review"], "2026-03-01");

    // A preventive automatic control: 100 % × 0.5 = 50 % → Media; (3, 3) Moderada.
    let r = env.json(
        NOW,
        &[
            "risk",
            "control",
            "add",
            "R-06",
            "--type",
            "preventivo",
            "--implementation",
            "automatico",
            "--documented",
            "--frequency",
            "continua",
            "--evidence",
            "--description",
            "UPS en cada puesto con prueba mensual",
        ],
    );
    assert_eq!(r["residual_probability"], 3);
    assert_eq!(r["residual_probability_pct"], 50.0);
    assert_eq!(r["residual_zone"], "moderate");
    assert_eq!(r["controls"][0]["weight"], 50);
    assert_eq!(r["controls"][0]["documented"], true);
    let shown = env.ok(NOW, &["risk", "show", "r-06"]);
    assert!(
        shown.contains("Residual: probabilidad 3 (50.00 %)"),
        "{shown}"
    );
    assert!(shown.contains("(revisión vencida)"), "{shown}");

    // Removing it brings the residual back to the inherent.
    let id = r["controls"][0]["id"].as_i64().unwrap().to_string();
    let r = env.json(NOW, &["risk", "control", "remove", &id]);
    assert_eq!(r["residual_probability"], 5);
    assert_eq!(r["residual_zone"], "high");

    // Refusals, with the field named, and nothing written.
    let e = env.fails(NOW, &["risk", "set", "R-06", "--impact", "9"]);
    assert_eq!(e["code"], "validation");
    assert!(e["message"].as_str().unwrap().contains("impacto inherente"));
    let e = env.fails(
        NOW,
        &[
            "risk",
            "control",
            "add",
            "R-06",
            "--type",
            "otro",
            "--implementation",
            "manual",
            "--description",
            "x",
        ],
    );
    assert!(e["message"].as_str().unwrap().contains("tipo de control"));
    let e = env.fails(NOW, &["risk", "show", "R-77"]);
    assert!(e["message"].as_str().unwrap().contains("R-77"));
    assert_eq!(env.json(NOW, &["risk", "show", "R-06"])["impact"], 3);

    // Export.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("mapa.xlsx");
    let pdf = dir.path().join("mapa.pdf");
    env.ok(
        NOW,
        &[
            "risk",
            "export",
            "--xlsx",
            xlsx.to_str().unwrap(),
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    env.fail(NOW, &["risk", "export"]);

    env.ok(NOW, &["risk", "delete", "R-06"]);
    assert_eq!(
        env.json(NOW, &["risk", "list"]).as_array().unwrap().len(),
        5
    );
}
