//! `mesa asset|plan|log|cronograma` end to end: the real binary on a temporary data directory
//! with a fixed `--now`; the PDFs it writes go through `pdftotext` (the XLSX layout is read
//! back with calamine in the core tests).

use std::process::Command;

use crate::common::Env;

const NOW: &str = "2026-03-10T09:00";

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn asset_new_list_show_move_event_and_decommission() {
    let env = Env::new();
    let a = env.json(
        NOW,
        &[
            "asset",
            "new",
            "--tag",
            "ind-0123",
            "--kind",
            "Computador de escritorio",
            "--brand",
            "HP",
            "--model",
            "ProDesk 400 G6",
            "--serial",
            "MXL1234",
            "--cpu",
            "Intel Core i5",
            "--ram-gb",
            "8",
            "--disk",
            "SSD 240 GB",
            "--os",
            "Windows 11 Pro",
            "--department",
            "Tesorería",
            "--location",
            "Piso 1",
            "--custodian",
            "Ana Gutiérrez",
            "--acquired-on",
            "2020",
            "--status",
            "regular",
        ],
    );
    assert_eq!(a["tag"], "ind-0123");
    assert_eq!(a["status"], "fair");
    let list = env.json(NOW, &["asset", "list"]);
    let first = &list.as_array().unwrap()[0];
    for key in [
        "tag",
        "kind",
        "brand",
        "model",
        "serial",
        "cpu",
        "ram_gb",
        "disk",
        "os",
        "department",
        "location",
        "custodian",
        "acquired_on",
        "status",
        "source",
        "extra",
    ] {
        assert!(first.get(key).is_some(), "falta {key} en {first}");
    }
    assert_eq!(first["ram_gb"], 8.0);
    assert_eq!(first["acquired_on"], "2020");
    assert!(first["source"].is_null());
    assert_eq!(first["extra"], serde_json::json!({}));
    // Duplicate placa: Spanish error, JSON code.
    let e = env.fails(
        NOW,
        &["asset", "new", "--tag", "IND 0123", "--kind", "Portátil"],
    );
    assert_eq!(e["code"], "duplicate_asset");

    env.ok(
        NOW,
        &[
            "asset",
            "move",
            "IND-0123",
            "--department",
            "Contabilidad",
            "--custodian",
            "Luis Pérez",
            "--reason",
            "Cambio de puesto",
            "--date",
            "2026-03-10",
        ],
    );
    env.ok(
        NOW,
        &[
            "asset",
            "event",
            "IND0123",
            "--kind",
            "upgrade",
            "--part",
            "SSD 480 GB",
            "--part-serial",
            "S3Z9",
            "--description",
            "Cambio de disco",
        ],
    );
    env.ok(
        NOW,
        &[
            "ticket",
            "new",
            "--requester",
            "Luis Pérez",
            "--department",
            "Contabilidad",
            "--description",
            "Lentitud",
            "--asset",
            "ind 0123",
        ],
    );
    let show = env.json(NOW, &["asset", "show", "ind0123"]);
    for key in [
        "tag",
        "kind",
        "cpu",
        "ram_gb",
        "department",
        "custodian",
        "status",
        "source",
        "extra",
    ] {
        assert!(show.get(key).is_some(), "falta {key}");
    }
    assert_eq!(show["department"], "Contabilidad");
    assert_eq!(show["custodian"], "Luis Pérez");
    let kinds: Vec<&str> = show["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "transfer", "custodian", "upgrade"]);
    assert_eq!(show["cases"].as_array().unwrap().len(), 1);
    let text = env.ok(NOW, &["asset", "show", "IND0123"]);
    assert!(
        text.contains("Traslado") && text.contains("Actualización de hardware"),
        "{text}"
    );

    // Decommission: draft (PDF), then approval.
    let pdf = env.data.path().join("concepto.pdf");
    let c = env.json(
        NOW,
        &[
            "asset",
            "decommission",
            "IND0123",
            "--diagnosis",
            "Tarjeta madre quemada",
            "--cause",
            "Daño irreparable",
            "--recommendation",
            "Dar de baja",
            "--destination",
            "Almacén",
            "--engineer",
            "Ingeniero de sistemas",
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(c["status"], "draft");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let e = env.fails(NOW, &["asset", "decommission", "IND0123", "--approve"]);
    assert_eq!(e["code"], "validation");
    let c = env.json(
        NOW,
        &[
            "asset",
            "decommission",
            "IND0123",
            "--approve",
            "--by",
            "Directora",
        ],
    );
    assert_eq!(c["status"], "approved");
    let show = env.json(NOW, &["asset", "show", "IND0123"]);
    assert_eq!(show["status"], "decommissioned");
    assert_eq!(show["decommission_concept"], c["number"]);
    assert_eq!(
        env.json(NOW, &["asset", "list"]).as_array().unwrap().len(),
        0
    );
    assert_eq!(
        env.json(NOW, &["asset", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Hoja de vida PDF.
    let sheet = env.data.path().join("hoja.pdf");
    env.ok(
        NOW,
        &[
            "asset",
            "sheet",
            "IND0123",
            "--pdf",
            sheet.to_str().unwrap(),
        ],
    );
    let out = Command::new("pdftotext")
        .arg(&sheet)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Hoja de vida de equipo") && text.contains("Dado de baja"),
        "{text}"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn plan_log_and_cronograma() {
    let env = Env::new();
    env.ok(
        NOW,
        &[
            "asset",
            "new",
            "--tag",
            "IND0001",
            "--kind",
            "Computador de escritorio",
            "--department",
            "Tesorería",
        ],
    );
    env.ok(
        NOW,
        &[
            "asset",
            "new",
            "--tag",
            "UPS-01",
            "--kind",
            "UPS",
            "--department",
            "Sistemas",
        ],
    );
    env.ok(NOW, &["plan", "new", "--year", "2026"]);
    let item = env.json(
        NOW,
        &[
            "plan",
            "item",
            "--year",
            "2026",
            "--asset",
            "IND0001",
            "--activity",
            "Limpieza y revisión",
            "--checklist",
            "Limpieza interna;Actualizaciones",
            "--frequency",
            "trimestral",
            "--start-month",
            "1",
            "--responsible",
            "Técnico de sistemas",
        ],
    );
    assert_eq!(item["position"], 1);
    env.ok(
        NOW,
        &[
            "plan",
            "item",
            "--year",
            "2026",
            "--group-kind",
            "UPS",
            "--activity",
            "Prueba de baterías",
            "--frequency",
            "semestral",
            "--start-month",
            "2",
            "--responsible",
            "Ingeniero de sistemas",
        ],
    );
    env.ok(
        NOW,
        &[
            "plan",
            "item",
            "--year",
            "2026",
            "--area",
            "Telefonía IP",
            "--activity",
            "Revisión de la planta",
            "--frequency",
            "mensual",
            "--start-month",
            "1",
            "--responsible",
            "Técnico de sistemas",
        ],
    );
    let e = env.fails(
        NOW,
        &[
            "plan",
            "item",
            "--year",
            "2026",
            "--area",
            "Redes",
            "--asset",
            "IND0001",
            "--activity",
            "x",
            "--frequency",
            "anual",
            "--start-month",
            "1",
            "--responsible",
            "x",
        ],
    );
    assert_eq!(e["code"], "validation");
    assert_eq!(
        env.json(NOW, &["plan", "generate", "--year", "2026"])["created"],
        0
    );
    // Execute January (late, in February) and February of the UPS group.
    let log = env.json(
        NOW,
        &[
            "log",
            "new",
            "--year",
            "2026",
            "--item",
            "1",
            "--month",
            "1",
            "--date",
            "2026-02-05",
            "--check",
            "Limpieza interna=ok",
            "--check",
            "Actualizaciones=falla:sin red",
            "--findings",
            "Ventilador sucio",
            "--open-case",
            "Reemplazar ventilador",
        ],
    );
    assert_eq!(log["on_time"], false);
    assert!(log["ticket_number"]
        .as_str()
        .unwrap()
        .starts_with("MA-2026-"));
    assert_eq!(log["checklist"][1]["ok"], false);
    env.ok(
        NOW,
        &[
            "log",
            "new",
            "--year",
            "2026",
            "--item",
            "2",
            "--month",
            "2",
            "--date",
            "2026-02-20",
        ],
    );
    env.ok(
        NOW,
        &[
            "log",
            "new",
            "--area",
            "Correo institucional y directorio activo",
            "--activity",
            "Monitoreo diario",
            "--date",
            "2026-03-09",
        ],
    );
    let logs = env.json(NOW, &["log", "list", "--year", "2026"]);
    assert_eq!(logs.as_array().unwrap().len(), 3);
    let id = logs[0]["id"].as_i64().unwrap().to_string();
    env.ok(
        NOW,
        &["log", "verify", &id, "--by", "Ingeniero de sistemas"],
    );
    assert_eq!(
        env.json(NOW, &["log", "list", "--unverified"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let cr = env.json(NOW, &["plan", "list", "--year", "2026"]);
    let marks = |i: usize| -> Vec<String> {
        cr["rows"][i]["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["mark"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        marks(0),
        ["P", "E", "", "P", "", "", "P", "", "", "P", "", ""]
    );
    assert_eq!(marks(1), ["", "E", "", "", "", "", "", "P", "", "", "", ""]);
    // Up to 10 March: programmed = item1 Jan + item2 Feb + item3 Jan..Mar = 5; executed 2.
    assert_eq!(cr["compliance"]["programmed"], 5);
    assert_eq!(cr["compliance"]["executed"], 2);
    assert_eq!(cr["compliance"]["on_time"], 1);
    let due = env.json(NOW, &["plan", "due"]);
    assert_eq!(due["overdue"].as_array().unwrap().len(), 2); // telefonía Jan, Feb
    assert_eq!(due["due_this_week"].as_array().unwrap().len(), 1); // telefonía Mar

    let xlsx = env.data.path().join("cronograma.xlsx");
    let pdf = env.data.path().join("cronograma.pdf");
    let out = env.json(
        NOW,
        &[
            "cronograma",
            "--year",
            "2026",
            "--xlsx",
            xlsx.to_str().unwrap(),
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(out["compliance"]["pct_executed"], 40.0);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let text = String::from_utf8(
        Command::new("pdftotext")
            .arg("-layout")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        text.contains("Telefonía IP") && text.contains("Cronograma de mantenimiento"),
        "{text}"
    );
    let e = env.fails(
        NOW,
        &[
            "cronograma",
            "--year",
            "2030",
            "--xlsx",
            xlsx.to_str().unwrap(),
        ],
    );
    assert_eq!(e["code"], "maintenance_not_found");
    // The life record of the UPS shows the group maintenance.
    let ups = env.json(NOW, &["asset", "show", "UPS01"]);
    assert!(ups["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "preventive"));
}

#[test]
fn asset_attach_and_detach_peripherals() {
    let env = Env::new();
    env.ok(
        NOW,
        &[
            "asset",
            "new",
            "--tag",
            "IND0500",
            "--kind",
            "Computador portátil",
        ],
    );
    let after_attach = env.json(
        NOW,
        &[
            "asset", "attach", "IND0500", "--kind", "Monitor", "--brand", "LG", "--serial", "LG-55",
        ],
    );
    assert_eq!(after_attach.as_array().unwrap().len(), 1);
    let id = after_attach[0]["id"].as_i64().unwrap().to_string();
    // Without a reason: refused, nothing removed.
    let err = env.fail(
        NOW,
        &[
            "asset",
            "detach",
            "IND0500",
            "--peripheral",
            &id,
            "--reason",
            " ",
        ],
    );
    assert!(err.contains("motivo"), "{err}");
    let left = env.json(
        NOW,
        &[
            "asset",
            "detach",
            "ind 0500",
            "--peripheral",
            &id,
            "--reason",
            "Devuelto al almacén",
        ],
    );
    assert_eq!(left.as_array().unwrap().len(), 0);
    let rec = env.json(NOW, &["asset", "show", "IND0500"]);
    let last = rec["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["description"],
        "Periférico retirado: Monitor LG serie LG-55. Motivo: Devuelto al almacén"
    );
}
