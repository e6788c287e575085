//! `mesa settings|calendar|holidays|catalog …` on a temporary data directory.

use std::process::Command;

use serde_json::Value;

use crate::common::Env;

#[test]
fn holidays_of_a_year() {
    let env = Env::new();
    let v: Value =
        serde_json::from_str(&env.ok_bare(&["--json", "holidays", "--year", "2025"])).unwrap();
    let dates: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates.len(), 18);
    assert!(dates.contains(&"2025-06-30"));
    assert!(dates.contains(&"2025-11-17"));
}

#[test]
fn prefix_setting_changes_new_numbers() {
    let env = Env::new();
    let s: Value =
        serde_json::from_str(&env.ok_bare(&["settings", "set", "--prefix", "sis"])).unwrap();
    assert_eq!(s["ticket_prefix"], "SIS");
    let n = env.ok(
        "2026-03-02T10:00",
        &[
            "ticket",
            "new",
            "--requester",
            "Ana",
            "--department",
            "Sistemas",
            "--description",
            "x",
        ],
    );
    assert_eq!(n.trim(), "SIS-2026-0001");
    let bad = env.run_bare(&["settings", "set", "--prefix", "M A"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("prefijo"));
}

#[test]
fn calendar_set_from_json_recomputes_deadlines() {
    let env = Env::new();
    // Monday 2026-03-02 08:00 + 720 min (default) → Tuesday 12:00 on the default calendar
    env.ok(
        "2026-03-02T08:00",
        &[
            "ticket",
            "new",
            "--requester",
            "Ana",
            "--department",
            "Sistemas",
            "--description",
            "x",
            "--received-at",
            "2026-03-02T08:00",
        ],
    );
    let show: Value = serde_json::from_str(&env.ok(
        "2026-03-02T08:00",
        &["--json", "ticket", "show", "MA-2026-0001"],
    ))
    .unwrap();
    assert_eq!(show["response_due_at"], "2026-03-03T12:00:00-05:00");
    // close Tuesday 2026-03-03 entirely
    let mut cal: Value = serde_json::from_str(&env.ok_bare(&["calendar", "show"])).unwrap();
    cal["closed_days"] = serde_json::json!(["2026-03-03"]);
    let f = env.data.path().join("cal.json");
    std::fs::write(&f, cal.to_string()).unwrap();
    let r: Value =
        serde_json::from_str(&env.ok_bare(&["--json", "calendar", "set", f.to_str().unwrap()]))
            .unwrap();
    assert_eq!(r["recomputed"], 1);
    let show: Value = serde_json::from_str(&env.ok(
        "2026-03-02T08:00",
        &["--json", "ticket", "show", "MA-2026-0001"],
    ))
    .unwrap();
    assert_eq!(show["response_due_at"], "2026-03-04T12:00:00-05:00");
    // a broken calendar is refused with a Spanish message, nothing changes
    std::fs::write(
        &f,
        r#"{"days": [], "closed_days": [], "closed_ranges": [], "observe_holidays": true}"#,
    )
    .unwrap();
    let bad = env.run_bare(&["calendar", "set", f.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("7 días"));
    let again: Value = serde_json::from_str(&env.ok_bare(&["calendar", "show"])).unwrap();
    assert_eq!(again["closed_days"], serde_json::json!(["2026-03-03"]));
}

#[test]
fn catalog_edits() {
    let env = Env::new();
    env.ok_bare(&["catalog", "department-add", "Oficina de Prensa"]);
    env.ok_bare(&[
        "catalog",
        "type",
        "Soporte de red e internet",
        "--level",
        "1",
        "--response-hours",
        "4",
        "--resolution-hours",
        "16",
        "--assignee",
        "Técnico de sistemas",
    ]);
    env.ok_bare(&["catalog", "priority", "1", "1", "media"]);
    let c: Value = serde_json::from_str(&env.ok_bare(&["--json", "catalog", "list"])).unwrap();
    assert!(c["departments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x == "Oficina de Prensa"));
    let t = c["service_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Soporte de red e internet")
        .unwrap()
        .clone();
    assert_eq!(t["response_minutes"], 240);
    env.ok_bare(&["catalog", "department-hide", "Oficina de Prensa"]);
    let c: Value = serde_json::from_str(&env.ok_bare(&["--json", "catalog", "list"])).unwrap();
    assert!(!c["departments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x == "Oficina de Prensa"));
    let bad = env.run_bare(&["catalog", "questions", "una", "dos"]);
    assert!(!bad.status.success());
}

#[test]
fn level_targets_from_the_cli_apply_on_escalation() {
    let env = Env::new();
    env.ok_bare(&[
        "catalog",
        "sla",
        "--level",
        "2",
        "--response-hours",
        "4",
        "--resolution-hours",
        "8",
    ]);
    env.ok(
        "2026-03-02T08:05",
        &[
            "ticket",
            "new",
            "--requester",
            "Ana",
            "--department",
            "Sistemas",
            "--description",
            "x",
            "--received-at",
            "2026-03-02T08:00",
        ],
    );
    let e: Value = serde_json::from_str(&env.ok(
        "2026-03-02T09:00",
        &[
            "--json",
            "ticket",
            "escalate",
            "MA-2026-0001",
            "--to",
            "Ingeniero de sistemas",
            "--reason",
            "r",
        ],
    ))
    .unwrap();
    assert_eq!(e["level"], 2);
    assert_eq!(e["response_due_at"], "2026-03-02T12:00:00-05:00");
    assert_eq!(e["resolution_due_at"], "2026-03-02T18:00:00-05:00");
    let bad = env.run_bare(&[
        "catalog",
        "sla",
        "--level",
        "2",
        "--type",
        "No existe",
        "--response-hours",
        "1",
        "--resolution-hours",
        "1",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("No existe"));
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn report_header_settings_reach_the_pdf() {
    let env = Env::new();
    let s: Value = serde_json::from_str(&env.ok_bare(&[
        "settings",
        "set",
        "--report-code",
        "FO-GTI-99",
        "--report-version",
        "03",
        "--report-process",
        "Gestión Tecnológica",
    ]))
    .unwrap();
    assert_eq!(s["report_code"], "FO-GTI-99");
    let pdf = env.data.path().join("i.pdf");
    env.ok(
        "2026-04-01T10:00",
        &[
            "report",
            "helpdesk",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    let out = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("FO-GTI-99"), "{text}");
    assert!(text.contains("Versión: 03"), "{text}");
    assert!(text.contains("Gestión Tecnológica"), "{text}");
}
