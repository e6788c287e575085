//! `mesa report helpdesk|save|list` and `mesa export cases` end to end: the real binary on a
//! temporary data directory with fixed `--now` values; the PDF goes through `pdftotext`.

use std::process::Command;

use serde_json::Value;

use crate::common::Env;

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

/// `mesa report management`: the quarter's values and lights, texts saved with
/// `--analysis CODE=text` and `--conclusions` (kept when only one is changed), PDF and XLSX
/// written, the period list, bad input refused in Spanish.
#[test]
fn management_report_values_texts_and_files() {
    let env = Env::new();
    for (received, started) in [
        ("2026-01-05T08:00", "2026-01-05T09:00"),
        ("2026-01-05T08:00", "2026-01-07T09:00"),
    ] {
        let n = env
            .ok(
                received,
                &[
                    "ticket",
                    "new",
                    "--requester",
                    "Ana Gutiérrez",
                    "--department",
                    "tesoreria",
                    "--description",
                    "Sin red",
                    "--received-at",
                    received,
                ],
            )
            .trim()
            .to_string();
        env.ok(started, &["ticket", "start", &n]);
    }
    const NOW: &str = "2026-04-10T09:00";
    let q1 = [
        "report",
        "management",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
    ];
    let r = env.json(NOW, &q1);
    assert_eq!(r["label"], "I trimestre de 2026");
    let ind01 = &r["indicators"][0];
    assert_eq!(ind01["sheet"]["code"], "IND-01");
    assert_eq!(ind01["value"], 50.0);
    assert_eq!(ind01["light"], "critical");
    assert!(r["saved_at"].is_null());

    let mut args = q1.to_vec();
    args.extend([
        "--analysis",
        "ind-01=Vacaciones del técnico",
        "--conclusions",
        "Meta incumplida",
    ]);
    let r = env.json(NOW, &args);
    assert_eq!(r["indicators"][0]["analysis"], "Vacaciones del técnico");
    assert_eq!(r["conclusions"], "Meta incumplida");
    // Changing the conclusions keeps the analysis.
    let mut args = q1.to_vec();
    args.extend(["--conclusions", "Se abrió un hallazgo"]);
    let r = env.json(NOW, &args);
    assert_eq!(r["indicators"][0]["analysis"], "Vacaciones del técnico");
    assert_eq!(r["conclusions"], "Se abrió un hallazgo");

    let pdf = env.data.path().join("gestion.pdf");
    let xlsx = env.data.path().join("gestion.xlsx");
    let mut args = q1.to_vec();
    let (p, x) = (pdf.to_str().unwrap(), xlsx.to_str().unwrap());
    args.extend(["--pdf", p, "--xlsx", x]);
    let text = env.ok(NOW, &args);
    assert!(
        text.contains("Informe de gestión — I trimestre de 2026"),
        "{text}"
    );
    assert!(text.contains("IND-01"), "{text}");
    assert!(text.contains("Crítico"), "{text}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));

    let periods = env.json(NOW, &["report", "management", "--periods"]);
    assert_eq!(periods[0]["label"], "II trimestre de 2026");
    assert_eq!(periods[1]["from"], "2026-01-01");

    let e = env.fail(
        NOW,
        &[
            "report",
            "management",
            "--from",
            "2026-03-31",
            "--to",
            "2026-01-01",
        ],
    );
    assert!(e.contains("antes de empezar"), "{e}");
    let mut args = q1.to_vec();
    args.extend(["--analysis", "sin signo igual"]);
    let e = env.fail(NOW, &args);
    assert!(e.contains("CÓDIGO=texto"), "{e}");
    let mut args = q1.to_vec();
    args.extend(["--analysis", "IND-77=texto"]);
    let e = env.fail(NOW, &args);
    assert!(e.contains("IND-77"), "{e}");
}
