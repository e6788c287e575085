//! `mesa report helpdesk|save|list` and `mesa export cases` end to end: the real binary on a
//! temporary data directory with fixed `--now` values; the PDF goes through `pdftotext`.

use std::process::Command;

use serde_json::Value;

mod common;
use common::Env;

fn new_case(env: &Env, received: &str, dep: &str, description: &str) -> String {
    env.ok(
        received,
        &[
            "ticket",
            "new",
            "--requester",
            "Ana Gutiérrez",
            "--department",
            dep,
            "--description",
            description,
            "--received-at",
            received,
        ],
    )
    .trim()
    .to_string()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn report_and_exports() {
    let env = Env::new();
    let d = env.data.path();
    // Received Fri 20/03 16:00; Mon 23/03 is San José; attended Tue 24/03 09:00 (3 h hábiles).
    let a = new_case(
        &env,
        "2026-03-20T16:00",
        "Tesorería",
        "El equipo no enciende",
    );
    env.ok("2026-03-24T09:00", &["ticket", "start", &a]);
    env.ok(
        "2026-03-24T11:00",
        &[
            "ticket",
            "resolve",
            &a,
            "--solution",
            "Se cambió la fuente",
            "--products",
            "Fuente nueva",
        ],
    );
    new_case(&env, "2026-03-25T08:00", "Almacén", "+1+1");
    let out = env.ok(
        "2026-04-01T10:00",
        &[
            "--json",
            "report",
            "helpdesk",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--analysis",
            "Semana con festivo",
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["current"]["received"], 2);
    assert_eq!(v["current"]["resolved"], 1);
    assert_eq!(v["current"]["backlog"], 1);
    assert_eq!(v["current"]["first_response_time"]["mean_hours"], 3.0);
    assert_eq!(v["current"]["resolution_time"]["mean_hours"], 5.0);
    assert_eq!(v["previous"]["from"], "2026-02-01");
    assert_eq!(v["analysis"], "Semana con festivo");
    // Actions added later keep the analysis.
    env.ok(
        "2026-04-01T10:05",
        &[
            "report",
            "helpdesk",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--actions",
            "Turno el día siguiente al festivo",
            "--pdf",
            d.join("informe.pdf").to_str().unwrap(),
            "--xlsx",
            d.join("informe.xlsx").to_str().unwrap(),
        ],
    );
    let list: Value =
        serde_json::from_str(&env.ok("2026-04-01T10:06", &["--json", "report", "list"])).unwrap();
    assert_eq!(list[0]["analysis"], "Semana con festivo");
    assert_eq!(list[0]["actions"], "Turno el día siguiente al festivo");
    let text = Command::new("pdftotext")
        .arg(d.join("informe.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Semana con festivo"), "{text}");
    assert!(text.contains("Turno el día siguiente al festivo"));
    assert!(std::fs::metadata(d.join("informe.xlsx")).unwrap().len() > 5000);

    // Export with the list's filters.
    let csv = d.join("casos.csv");
    let out = env.ok(
        "2026-04-01T10:10",
        &[
            "export",
            "cases",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--department",
            "almacen",
            "--csv",
            csv.to_str().unwrap(),
            "--xlsx",
            d.join("casos.xlsx").to_str().unwrap(),
        ],
    );
    assert!(out.contains("1 casos exportados"), "{out}");
    let bytes = std::fs::read(&csv).unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(text.matches("\r\n").count(), 2);
    assert!(text.contains(";'+1+1;"), "{text}");
    // Bad input: a period that ends before it starts, and no output file.
    let o = env.run(
        "2026-04-01T10:10",
        &[
            "report",
            "helpdesk",
            "--from",
            "2026-03-31",
            "--to",
            "2026-03-01",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("antes de empezar"));
    let o = env.run("2026-04-01T10:10", &["export", "cases"]);
    assert!(!o.status.success());
}
