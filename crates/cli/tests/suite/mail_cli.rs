//! `mesa mail import|inbox|register|discard|outbox|templates` on the real binary (issue 16):
//! `.eml` fixtures from `tests/fixtures/mail/`, a temporary data directory, fixed `--now`.

use serde_json::Value;

use crate::common::Env;

fn fixture(name: &str) -> String {
    format!(
        "{}/../../tests/fixtures/mail/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn entries(v: &Value) -> Vec<(i64, String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_i64().unwrap(),
                e["from"].as_str().unwrap().to_string(),
                e["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_imported_request_is_triaged_into_a_case_with_its_mail() {
    let env = Env::new();
    let now = "2026-03-10T11:00";
    let out = env.ok(now, &["mail", "import", &fixture("solicitud-outlook.eml")]);
    assert!(out.contains("Bandeja de entrada"), "{out}");
    // The same file again: stored once.
    let again = env.json(now, &["mail", "import", &fixture("solicitud-outlook.eml")]);
    assert_eq!(again["outcome"], "already_stored");
    // An out-of-office reply: stored as ignored, not awaiting triage.
    let ooo = env.json(now, &["mail", "import", &fixture("fuera-de-oficina.eml")]);
    assert_eq!(ooo["outcome"], "ignored");
    assert_eq!(ooo["kind"], "auto_reply");
    env.ok(now, &["mail", "import", &fixture("publicidad-html.eml")]);

    let inbox = env.json(now, &["mail", "inbox"]);
    let list = entries(&inbox);
    assert_eq!(list.len(), 2, "{inbox}");
    let first = &inbox.as_array().unwrap()[1];
    assert_eq!(first["from"], "ana@entidad.gov.co");
    assert_eq!(first["subject"], "No imprime la impresora de Tesorería");
    // The file's Date header (an imported file has no server arrival time).
    assert_eq!(first["received_at"], "2026-03-10T09:58:00-05:00");
    assert_eq!(first["attachments"], 0);
    assert_eq!(first["state"], "nuevo");
    let ana = first["id"].as_i64().unwrap();
    let promo = list
        .iter()
        .find(|e| e.1 == "luis@entidad.gov.co")
        .unwrap()
        .0;
    let shown = env.ok(now, &["mail", "show", &ana.to_string()]);
    assert!(shown.contains("Buenos días"), "{shown}");

    let number = env
        .ok(
            now,
            &[
                "mail",
                "register",
                &ana.to_string(),
                "--dependencia",
                "Tesorería",
            ],
        )
        .trim()
        .to_string();
    assert!(number.starts_with("MA-2026-"), "{number}");
    let t = env.json(now, &["ticket", "show", &number]);
    assert_eq!(t["received_at"], "2026-03-10T09:58:00-05:00");
    assert_eq!(t["channel"], "correo");
    assert_eq!(t["requester"], "Ana Gutiérrez");
    assert_eq!(t["email"], "ana@entidad.gov.co");
    assert_eq!(t["mails"][0]["direction"], "entrada");
    assert_eq!(t["mails"][0]["message_id"], "solicitud-1@entidad.gov.co");
    assert_eq!(
        t["attachments"][0]["name"],
        format!("correo-{ana}.eml").as_str()
    );
    // No mail account: no acknowledgment queued.
    assert_eq!(
        env.json(now, &["mail", "outbox", "--all"]),
        Value::Array(vec![])
    );

    // Discard needs a reason and keeps the mail.
    let err = env.fail(
        now,
        &["mail", "discard", &promo.to_string(), "--reason", " "],
    );
    assert!(err.contains("motivo"), "{err}");
    env.ok(
        now,
        &[
            "mail",
            "discard",
            &promo.to_string(),
            "--reason",
            "publicidad",
        ],
    );
    assert_eq!(env.json(now, &["mail", "inbox"]), Value::Array(vec![]));
    let all = entries(&env.json(now, &["mail", "inbox", "--all"]));
    let mut states: Vec<&str> = all.iter().map(|e| e.2.as_str()).collect();
    states.sort();
    assert_eq!(states, vec!["descartado", "ignorado", "registrado"]);
    // A registered mail is not registered again.
    let err = env.fail(now, &["mail", "register", &ana.to_string()]);
    assert!(err.contains("Registrado"), "{err}");
}

#[test]
fn templates_can_be_listed_changed_and_turned_off() {
    let env = Env::new();
    let now = "2026-03-10T11:00";
    let list = env.json(now, &["mail", "templates"]);
    let kinds: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "acuse",
            "visita",
            "seguimiento",
            "resuelto",
            "cierre_automatico",
            "reabierto"
        ]
    );
    let v = env.json(
        now,
        &[
            "mail",
            "templates",
            "acuse",
            "--subject",
            "Caso {numero} recibido",
            "--off",
        ],
    );
    let acuse = &v.as_array().unwrap()[0];
    assert_eq!(acuse["subject"], "Caso {numero} recibido");
    assert_eq!(acuse["enabled"], false);
    let err = env.fail(now, &["mail", "templates", "inventado", "--on"]);
    assert!(err.contains("inventado"), "{err}");
}

/// An Outlook `.msg` goes through the same intake as an `.eml` (converted to RFC 5322 first),
/// with its attachments; it arrives at its own date. A file that is not there is named.
#[test]
fn an_outlook_msg_is_imported_like_an_eml() {
    let env = Env::new();
    let now = "2026-03-10T11:00";
    let out = env.json(
        now,
        &["mail", "import", &fixture("outlook-attachments.msg")],
    );
    assert_eq!(out["outcome"], "new", "{out}");
    let inbox = env.json(now, &["mail", "inbox"]);
    let e = &inbox.as_array().unwrap()[0];
    assert_eq!(
        e["subject"],
        "FW: [WARNING: ATTACHMENT(S) MAY CONTAIN MALWARE]Please check all aspects in documents"
    );
    assert_eq!(e["attachments"], 3);
    assert!(
        e["received_at"].as_str().unwrap().starts_with("2020-06-09"),
        "{e}"
    );
    let missing = env.fail(now, &["mail", "import", "no-existe.msg"]);
    assert!(
        missing.contains("no-existe.msg") && missing.contains("el archivo no existe"),
        "{missing}"
    );
}

/// Files that are not saved mails are refused with their name and why; nothing is stored.
#[test]
fn files_that_are_not_mails_are_refused_by_name() {
    let env = Env::new();
    let now = "2026-03-10T11:00";
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    for (file, why) in [
        (write("vacio.eml", b""), "está vacío"),
        (
            write(
                "notas.txt",
                b"hola, esto no es un correo
",
            ),
            "no parece un correo",
        ),
        (
            write(
                "informe.eml",
                b"%PDF-1.4
%%EOF
",
            ),
            "no parece un correo",
        ),
        (
            write("roto.msg", b"no es OLE"),
            "no es un mensaje de Outlook",
        ),
    ] {
        let e = env.fail(now, &["mail", "import", &file]);
        assert!(e.contains(&file) && e.contains(why), "{e}");
    }
    let inbox = env.json(now, &["mail", "inbox", "--all"]);
    assert_eq!(inbox.as_array().unwrap().len(), 0, "{inbox}");
}
