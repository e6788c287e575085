//! `mesa plan-mejora …` on a real data directory: a finding, an action, a follow-up with
//! evidence, the verification refused to the owner and accepted from someone else, the due list
//! on fixed dates and the exports.


use crate::common::Env;

#[test]
fn improvement_plan_from_finding_to_verification_and_exports() {
    let env = Env::new();
    let t0 = "2026-03-02T09:00";
    let out = env.ok(
        t0,
        &[
            "plan-mejora",
            "finding",
            "new",
            "--description",
            "Tiempos de respuesta incumplidos en febrero",
            "--source",
            "indicador",
            "--source-ref",
            "% atendidos a tiempo: 62 %",
            "--cause",
            "Un solo técnico",
            "--cause",
            "Sin turnos",
            "--effect",
            "Quejas de los usuarios",
        ],
    );
    assert!(out.contains("H-2026-001"), "{out}");
    let a = env.json(
        t0,
        &[
            "plan-mejora",
            "action",
            "add",
            "h-2026-001",
            "--description",
            "Definir turnos de atención",
            "--owner",
            "Técnico de sistemas",
            "--start",
            "02/03/2026",
            "--end",
            "13/03/2026",
            "--unit",
            "Documento",
            "--quantity",
            "1",
        ],
    );
    let id = a["id"].as_i64().unwrap().to_string();
    assert_eq!(a["state"], "abierta");
    assert_eq!(a["finding_number"], "H-2026-001");

    // Due within 15 days on 02/03; on Inicio as due soon.
    let due = env.json(t0, &["plan-mejora", "due"]);
    assert_eq!(due["due_soon"].as_array().unwrap().len(), 1);
    assert_eq!(due["due_soon"][0]["days_left"], 11);
    assert_eq!(due["overdue"].as_array().unwrap().len(), 0);
    let due = env.json(t0, &["plan-mejora", "due", "--days", "5"]);
    assert_eq!(due["due_soon"].as_array().unwrap().len(), 0);

    // A follow-up with evidence.
    let ev = env.data.path().join("acta.pdf");
    std::fs::write(&ev, b"%PDF-1.4\n%acta de turnos\n").unwrap();
    let f = env.json(
        "2026-03-10T09:00",
        &[
            "plan-mejora",
            "follow-up",
            &id,
            "--progress",
            "100",
            "--comment",
            "Cuadro de turnos publicado",
            "--date",
            "10/03/2026",
            "--attach",
            ev.to_str().unwrap(),
        ],
    );
    assert_eq!(f["attachments"][0]["name"], "acta.pdf");
    let shown = env.ok("2026-03-10T09:00", &["plan-mejora", "show", "H-2026-001"]);
    assert!(shown.contains("En ejecución"), "{shown}");
    assert!(shown.contains("evidencia: acta.pdf"), "{shown}");

    // Overdue after the end date while not verified.
    let late = "2026-03-16T09:00";
    let due = env.json(late, &["plan-mejora", "due"]);
    assert_eq!(due["overdue"][0]["id"].to_string(), id);
    let list = env.json(late, &["plan-mejora", "list", "--state", "vencida"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let none = env.json(late, &["plan-mejora", "list", "--source", "auditoría"]);
    assert!(none.as_array().unwrap().is_empty());

    // The owner cannot verify (without accounts, a one-person office: only with a
    // justification, see people.rs); someone else can.
    let err = env.fails(
        late,
        &["--as", "Técnico de sistemas", "plan-mejora", "verify", &id],
    );
    assert_eq!(err["code"], "separation_of_duties");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("distinta del responsable"),
        "{err}"
    );
    let v = env.json(
        late,
        &[
            "--as",
            "Ingeniero de sistemas",
            "plan-mejora",
            "verify",
            &id,
        ],
    );
    assert_eq!(v["state"], "cumplida");
    let due = env.json(late, &["plan-mejora", "due"]);
    assert!(due["overdue"].as_array().unwrap().is_empty());

    // Exports.
    let xlsx = env.data.path().join("plan.xlsx");
    let pdf = env.data.path().join("plan.pdf");
    env.ok(
        late,
        &[
            "plan-mejora",
            "export",
            "--xlsx",
            xlsx.to_str().unwrap(),
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

    // Clear errors.
    let e = env.fail(late, &["plan-mejora", "show", "H-2026-404"]);
    assert!(e.contains("H-2026-404"), "{e}");
    let e = env.fail(
        late,
        &[
            "plan-mejora",
            "finding",
            "new",
            "--description",
            "x",
            "--source",
            "rumor",
            "--cause",
            "y",
        ],
    );
    assert!(e.contains("fuente"), "{e}");
    let e = env.fail(late, &["plan-mejora", "export"]);
    assert!(e.contains("--xlsx"), "{e}");
}
