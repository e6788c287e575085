//! The `mesa` binary end to end: every run uses a temporary data directory (never the user's)
//! and a fixed `--now`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::Env;

impl Env {
    fn new_ticket(&self, now: &str, extra: &[&str]) -> String {
        let mut a = vec![
            "ticket",
            "new",
            "--requester",
            "Ana Gutiérrez",
            "--department",
            "tesoreria",
            "--description",
            "Olvidé la contraseña del correo",
        ];
        a.extend_from_slice(extra);
        self.ok(now, &a).trim().to_string()
    }

    fn show(&self, now: &str, number: &str) -> Value {
        self.json(now, &["ticket", "show", number])
    }

    fn list(&self, now: &str, args: &[&str]) -> Vec<Value> {
        let mut a = vec!["ticket", "list"];
        a.extend_from_slice(args);
        match self.json(now, &a) {
            Value::Array(v) => v,
            other => panic!("se esperaba un arreglo: {other}"),
        }
    }
}

fn dir_is_empty(p: &Path) -> bool {
    std::fs::read_dir(p).unwrap().next().is_none()
}

const FIELDS: &[&str] = &[
    "number",
    "legacy_number",
    "received_at",
    "registered_at",
    "requester",
    "department",
    "location",
    "phone",
    "email",
    "channel",
    "origin",
    "service_type",
    "level",
    "priority",
    "assignee",
    "status",
    "response_due_at",
    "resolution_due_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "close_reason",
    "description",
    "solution",
    "asset_tag",
    "survey",
    "source",
    "extra",
];

#[test]
fn new_prints_the_number_and_uses_the_given_data_dir() {
    let env = Env::new();
    let n = env.new_ticket("2026-03-02T09:20", &["--received-at", "2026-03-02T09:15"]);
    assert_eq!(n, "MA-2026-0001");
    let n = env.new_ticket("2026-03-02T09:30", &[]);
    assert_eq!(n, "MA-2026-0002");
    if crate::common::is_postgres() {
        // A switched workstation never creates (nor writes) a SQLite file.
        assert!(env.data.path().join("servidor.json").is_file());
        assert!(!env.data.path().join("mesa.db").exists());
        let info = env.ok("2026-03-02T09:30", &["info"]);
        assert!(info.contains("servidor PostgreSQL"), "{info}");
    } else {
        assert!(env.data.path().join("mesa.db").is_file());
    }
    assert!(
        dir_is_empty(env.decoy.path()),
        "no debe tocar MESA_DATA_DIR"
    );
}

#[test]
fn mesa_data_dir_env_is_used_without_the_flag() {
    let env = Env::new();
    let mut c = Command::new(env!("CARGO_BIN_EXE_mesa"));
    let o = c
        .env("MESA_DATA_DIR", env.data.path())
        .env("HOME", env.decoy.path())
        .env("XDG_DATA_HOME", env.decoy.path())
        .args(["--json", "info"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["data_dir"], env.data.path().display().to_string());
    assert!(v["db_path"].as_str().unwrap().ends_with("mesa.db"));
}

#[test]
fn list_json_has_the_documented_fields_and_local_times() {
    let env = Env::new();
    env.new_ticket(
        "2026-03-02T09:20",
        &[
            "--received-at",
            "2026-03-02T09:15",
            "--email",
            "ana@indupal.gov.co",
            "--phone",
            "Ext. 120",
            "--location",
            "Piso 2",
            "--asset",
            "INV-0042",
        ],
    );
    let items = env.list("2026-03-02T10:00", &[]);
    assert_eq!(items.len(), 1);
    let t = items[0].as_object().unwrap();
    for f in FIELDS {
        assert!(t.contains_key(*f), "falta el campo {f}: {t:?}");
    }
    assert_eq!(t["number"], "MA-2026-0001");
    assert_eq!(t["legacy_number"], Value::Null);
    assert_eq!(t["received_at"], "2026-03-02T09:15:00-05:00");
    assert_eq!(t["registered_at"], "2026-03-02T09:20:00-05:00");
    assert_eq!(t["requester"], "Ana Gutiérrez");
    assert_eq!(t["department"], "Tesorería");
    assert_eq!(t["location"], "Piso 2");
    assert_eq!(t["phone"], "Ext. 120");
    assert_eq!(t["email"], "ana@indupal.gov.co");
    assert_eq!(t["channel"], "correo");
    assert_eq!(t["origin"], "interna");
    assert_eq!(t["service_type"], Value::Null);
    assert_eq!(t["level"], 1);
    assert_eq!(t["priority"], "media");
    assert_eq!(t["assignee"], Value::Null);
    assert_eq!(t["status"], "new");
    assert_eq!(t["response_due_at"], "2026-03-03T15:15:00-05:00");
    assert_eq!(t["resolution_due_at"], "2026-03-10T09:15:00-05:00");
    for f in [
        "first_response_at",
        "resolved_at",
        "closed_at",
        "close_reason",
        "solution",
        "survey",
        "source",
    ] {
        assert_eq!(t[f], Value::Null, "{f}");
    }
    assert_eq!(t["description"], "Olvidé la contraseña del correo");
    assert_eq!(t["asset_tag"], "INV-0042");
    assert!(t["extra"].is_object());
}

#[test]
fn list_limit_status_search_and_sort() {
    let env = Env::new();
    for i in 0..5 {
        let rec = format!("2026-03-02T09:{:02}", 10 + i);
        env.new_ticket("2026-03-02T10:00", &["--received-at", &rec]);
    }
    env.ok(
        "2026-03-02T10:00",
        &[
            "ticket",
            "new",
            "--requester",
            "Carlos Mendoza",
            "--department",
            "Contabilidad",
            "--description",
            "La impresora no imprime",
            "--type",
            "mantenimiento de equipos de computo",
            "--received-at",
            "2026-03-02T09:50",
        ],
    );
    assert_eq!(env.list("2026-03-02T10:05", &[]).len(), 6);
    let two = env.list("2026-03-02T10:05", &["--limit", "2"]);
    assert_eq!(two.len(), 2);
    // newest received first by default
    assert_eq!(two[0]["number"], "MA-2026-0006");
    assert_eq!(two[1]["number"], "MA-2026-0005");
    let asc = env.list(
        "2026-03-02T10:05",
        &["--sort", "number", "--asc", "--limit", "3"],
    );
    let nums: Vec<&str> = asc.iter().map(|t| t["number"].as_str().unwrap()).collect();
    assert_eq!(nums, ["MA-2026-0001", "MA-2026-0002", "MA-2026-0003"]);

    let found = env.list("2026-03-02T10:05", &["--search", "impresora"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["number"], "MA-2026-0006");
    assert_eq!(found[0]["assignee"], "Técnico de sistemas");
    let found = env.list("2026-03-02T10:05", &["--search", "contrasena"]);
    assert_eq!(found.len(), 5);
    let found = env.list(
        "2026-03-02T10:05",
        &["--status", "assigned", "--search", "impresora"],
    );
    assert_eq!(found.len(), 1);
    let found = env.list(
        "2026-03-02T10:05",
        &["--status", "new", "--search", "impresora"],
    );
    assert!(found.is_empty());
    // Spanish label accepted as status
    assert_eq!(
        env.list("2026-03-02T10:05", &["--status", "asignado"])
            .len(),
        1
    );
    assert!(env
        .list("2026-03-02T10:05", &["--search", "\"a\" OR NOT *"])
        .is_empty());
    // text output ends with the count
    let out = env.ok("2026-03-02T10:05", &["ticket", "list", "--status", "new"]);
    assert!(out.trim_end().ends_with("5 casos"), "{out}");
    // bad status and sort
    let err = env.fail(
        "2026-03-02T10:05",
        &["ticket", "list", "--status", "perdido"],
    );
    assert!(err.contains("no es un estado"), "{err}");
    let err = env.fail("2026-03-02T10:05", &["ticket", "list", "--sort", "color"]);
    assert!(err.contains("ordenar"), "{err}");
}

#[test]
fn list_without_limit_returns_everything_across_pages() {
    let env = Env::new();
    env.ok(
        "2026-06-15T10:00",
        &["demo", "--cases", "250", "--seed", "3"],
    );
    assert_eq!(env.list("2026-06-15T10:00", &[]).len(), 250);
    assert_eq!(env.list("2026-06-15T10:00", &["--limit", "7"]).len(), 7);
}

#[test]
fn workflow_assign_escalate_resolve_survey() {
    let env = Env::new();
    let n = env.new_ticket(
        "2026-03-02T09:20",
        &[
            "--received-at",
            "2026-03-02T09:15",
            "--email",
            "ana@indupal.gov.co",
        ],
    );
    let out = env.ok(
        "2026-03-02T09:30",
        &["ticket", "assign", &n, "--to", "tecnico de sistemas"],
    );
    assert!(out.contains(&n) && out.contains("Asignado"), "{out}");
    let t = env.json(
        "2026-03-02T09:40",
        &[
            "ticket",
            "escalate",
            &n,
            "--to",
            "Ingeniero de sistemas",
            "--reason",
            "Requiere acceso al servidor",
        ],
    );
    assert_eq!(t["level"], 2);
    assert_eq!(t["assignee"], "Ingeniero de sistemas");
    assert_eq!(t["status"], "assigned");
    env.ok("2026-03-02T09:50", &["ticket", "start", &n]);
    env.ok(
        "2026-03-02T10:00",
        &["ticket", "hold", &n, "--reason", "Esperando al usuario"],
    );
    let t = env.show("2026-03-02T10:30", &n);
    assert_eq!(t["status"], "on_hold");
    assert_eq!(t["resolution_due_at"], Value::Null);
    env.ok("2026-03-02T11:00", &["ticket", "resume", &n]);
    let t = env.json(
        "2026-03-02T15:00",
        &[
            "ticket",
            "resolve",
            &n,
            "--solution",
            "Se restableció la contraseña",
            "--minutes",
            "30",
        ],
    );
    assert_eq!(t["status"], "resolved");
    assert_eq!(t["resolved_at"], "2026-03-02T15:00:00-05:00");
    assert_eq!(t["survey_due_at"], "2026-03-04T15:00:00-05:00");
    // the mailto link for the survey
    let url = env.ok("2026-03-02T15:05", &["ticket", "mailto", &n]);
    assert!(
        url.starts_with("mailto:ana@indupal.gov.co?subject="),
        "{url}"
    );
    assert!(url.contains(&n));
    let t = env.json(
        "2026-03-03T09:00",
        &[
            "ticket",
            "survey",
            &n,
            "--scores",
            "5,4,5,4",
            "--comment",
            "Excelente",
        ],
    );
    assert_eq!(t["status"], "closed");
    assert_eq!(t["close_reason"], "survey");
    assert_eq!(t["closed_at"], "2026-03-03T09:00:00-05:00");
    assert_eq!(t["survey"]["scores"], serde_json::json!([5, 4, 5, 4]));
    assert_eq!(t["survey"]["comment"], "Excelente");

    let d = env.show("2026-03-03T09:00", &n);
    let kinds: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "create",
            "assign",
            "assign",
            "escalate",
            "assign",
            "first_response",
            "start",
            "hold",
            "resume",
            "update",
            "resolve",
            "survey",
            "close"
        ]
    );
    let esc = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "escalate")
        .unwrap();
    assert_eq!(esc["old_value"], "1");
    assert_eq!(esc["new_value"], "2");
    assert!(esc["note"]
        .as_str()
        .unwrap()
        .contains("Requiere acceso al servidor"));
    assert_eq!(esc["at"], "2026-03-02T09:40:00-05:00");
    assert_eq!(esc["actor"], "Técnico de sistemas");
    // text show
    let out = env.ok("2026-03-03T09:00", &["ticket", "show", &n]);
    assert!(
        out.contains("Cerrado") && out.contains("Línea de tiempo"),
        "{out}"
    );
}

#[test]
fn actor_comes_from_as_flag() {
    let env = Env::new();
    let n = env.new_ticket("2026-03-02T09:20", &[]);
    env.ok(
        "2026-03-02T09:30",
        &["--as", "Ingeniero de sistemas", "ticket", "start", &n],
    );
    let d = env.show("2026-03-02T09:30", &n);
    let last = d["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "start");
    assert_eq!(last["actor"], "Ingeniero de sistemas");
    assert_eq!(d["assignee"], "Ingeniero de sistemas");
}

#[test]
fn verify_and_cancel() {
    let env = Env::new();
    let a = env.new_ticket("2026-03-02T09:20", &[]);
    env.ok(
        "2026-03-02T09:30",
        &["ticket", "assign", &a, "--to", "Técnico de sistemas"],
    );
    env.ok(
        "2026-03-02T10:00",
        &["ticket", "resolve", &a, "--solution", "Listo"],
    );
    let t = env.json("2026-03-02T11:00", &["ticket", "verify", &a]);
    assert_eq!(t["status"], "closed");
    assert_eq!(t["close_reason"], "verified");

    let b = env.new_ticket("2026-03-02T09:40", &[]);
    let err = env.fail(
        "2026-03-02T09:50",
        &["ticket", "cancel", &b, "--reason", "  "],
    );
    assert!(err.contains("motivo"), "{err}");
    let t = env.json(
        "2026-03-02T09:50",
        &["ticket", "cancel", &b, "--reason", "Duplicado"],
    );
    assert_eq!(t["status"], "cancelled");
    assert_eq!(t["number"], b);
    let c = env.new_ticket("2026-03-02T09:55", &[]);
    assert_eq!(c, "MA-2026-0003", "el número anulado no se reutiliza");
    let cancelled = env.list("2026-03-02T10:00", &["--status", "cancelled"]);
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["number"], b);
    let reject = env.fail(
        "2026-03-02T10:00",
        &["ticket", "reject", &a, "--reason", "No funciona"],
    );
    assert!(reject.contains("Cerrado"), "{reject}");
}

#[test]
fn autoclose_boundary() {
    let env = Env::new();
    let n = env.new_ticket("2026-03-02T08:35", &["--received-at", "2026-03-02T08:30"]);
    env.ok("2026-03-02T09:00", &["ticket", "start", &n]);
    env.ok(
        "2026-03-02T15:00",
        &["ticket", "resolve", &n, "--solution", "Listo"],
    );
    let out = env.ok("2026-03-04T14:59", &["autoclose"]);
    assert!(out.contains("Casos cerrados automáticamente: 0"), "{out}");
    let v = env.json("2026-03-04T14:59:59-05:00", &["autoclose"]);
    assert_eq!(v["closed"], serde_json::json!([]));
    assert_eq!(env.show("2026-03-04T14:59", &n)["status"], "resolved");
    let v = env.json("2026-03-04T15:00:00-05:00", &["autoclose"]);
    assert_eq!(v["closed"], serde_json::json!([n.clone()]));
    let t = env.show("2026-03-05T08:00", &n);
    assert_eq!(t["status"], "closed");
    assert_eq!(t["close_reason"], "auto");
    assert_eq!(t["closed_at"], "2026-03-04T15:00:00-05:00");
    let out = env.ok("2026-03-05T08:00", &["autoclose"]);
    assert!(out.contains("Casos cerrados automáticamente: 0"), "{out}");
}

#[test]
fn errors_are_spanish_and_non_zero() {
    let env = Env::new();
    let err = env.fail(
        "2026-03-02T10:00",
        &["ticket", "assign", "MA-2026-0099", "--to", "x"],
    );
    assert!(err.starts_with("Error: "), "{err}");
    assert!(err.contains("No existe el caso MA-2026-0099"), "{err}");

    let n = env.new_ticket("2026-03-02T09:20", &[]);
    let err = env.fail("2026-03-02T10:00", &["ticket", "verify", &n]);
    assert!(
        err.contains("No se puede verificar un caso en estado «Nuevo»"),
        "{err}"
    );
    let err = env.fail(
        "2026-03-02T10:00",
        &[
            "ticket",
            "new",
            "--requester",
            "",
            "--department",
            "Sistemas",
            "--description",
            "x",
        ],
    );
    assert!(err.contains("solicitante"), "{err}");
    let err = env.fail(
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
            "--received-at",
            "2026-03-05T10:00",
        ],
    );
    assert!(err.contains("recibido"), "{err}");
    let err = env.fail(
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
            "--email",
            "ana@",
        ],
    );
    assert!(err.contains("correo"), "{err}");
    let err = env.fail("ayer", &["ticket", "list"]);
    assert!(err.contains("--now") && err.contains("ayer"), "{err}");
    // a failed registration did not consume a number
    assert_eq!(env.new_ticket("2026-03-02T10:00", &[]), "MA-2026-0002");
}

#[test]
fn errors_as_json_on_stderr() {
    let env = Env::new();
    let n = env.new_ticket("2026-03-02T09:20", &[]);
    let parse = |s: &str| -> Value {
        serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("JSON inválido ({e}): {s}"))
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["ticket", "show", "MA-2026-0404"], "ticket_not_found"),
        (vec!["ticket", "resume", &n], "invalid_transition"),
        (
            vec!["ticket", "survey", &n, "--scores", "5,x,5,5"],
            "validation",
        ),
        (
            vec!["ticket", "assign", &n, "--to", "Fulano de Tal"],
            "catalog_not_found",
        ),
    ];
    for (args, code) in cases {
        let mut a = vec!["--json"];
        a.extend(args.iter().copied());
        let err = env.fail("2026-03-02T10:00", &a);
        let v = parse(&err);
        assert_eq!(v["code"], code, "{err}");
        assert!(!v["message"].as_str().unwrap().is_empty());
        assert_eq!(v.as_object().unwrap().len(), 2, "{err}");
    }
    let err = env.fail("2026-03-02T10:00", &["--json", "ticket", "resume", &n]);
    assert!(parse(&err)["message"]
        .as_str()
        .unwrap()
        .contains("No se puede reanudar"));
    let err = env.fail("mañana", &["--json", "ticket", "list"]);
    assert_eq!(parse(&err)["code"], "validation");
}

#[test]
fn now_accepts_rfc3339_and_local_wall_time() {
    let env = Env::new();
    let a = env.json(
        "2026-03-02T10:00:00-05:00",
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
    let b = env.json(
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
    let c = env.json(
        "2026-03-02T15:00:00Z",
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
    for t in [&a, &b, &c] {
        assert_eq!(t["registered_at"], "2026-03-02T10:00:00-05:00");
        assert_eq!(t["received_at"], "2026-03-02T10:00:00-05:00");
    }
    // --received-at in RFC 3339 with another offset
    let d = env.json(
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
            "--received-at",
            "2026-03-02T14:15:00Z",
        ],
    );
    assert_eq!(d["received_at"], "2026-03-02T09:15:00-05:00");
    assert_eq!(d["response_due_at"], "2026-03-03T15:15:00-05:00");
}

#[test]
fn data_persists_across_invocations_and_overdue_filter_uses_now() {
    let env = Env::new();
    let n = env.new_ticket("2026-03-02T09:20", &["--received-at", "2026-03-02T09:15"]);
    // response due 2026-03-03 15:15
    assert!(env.list("2026-03-03T15:15", &["--overdue"]).is_empty());
    let over = env.list("2026-03-03T15:16", &["--overdue"]);
    assert_eq!(over.len(), 1);
    assert_eq!(over[0]["number"], n);
    assert_eq!(over[0]["overdue"], true);
    // a different invocation sees the same data after a restart
    let t = env.show("2026-03-03T15:16", &n);
    assert_eq!(t["requester"], "Ana Gutiérrez");
    let out = env.ok("2026-03-03T15:16", &["recompute"]);
    assert!(out.contains("Vencimientos recalculados: 1"), "{out}");
    assert_eq!(
        env.show("2026-03-03T15:16", &n)["response_due_at"],
        "2026-03-03T15:15:00-05:00"
    );
}

#[test]
fn every_command_honours_json() {
    let env = Env::new();
    let n = env.new_ticket("2026-03-02T09:20", &["--email", "ana@indupal.gov.co"]);
    let v = env.json("2026-03-02T10:00", &["recompute"]);
    assert_eq!(v["recomputed"], 1);
    let v = env.json("2026-03-02T10:00", &["ticket", "mailto", &n]);
    assert!(v["mailto"].as_str().unwrap().starts_with("mailto:"), "{v}");
    let v = env.json(
        "2026-03-02T10:00",
        &[
            "catalog",
            "staff",
            "Contratista de redes",
            "--role",
            "proveedor",
            "--level",
            "3",
        ],
    );
    assert_eq!(v["saved"], "Contratista de redes");
    let v = env.json("2026-03-02T10:00", &["catalog", "list"]);
    assert!(v["staff"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "Contratista de redes" && s["level"] == 3));
    let v = env.json("2026-03-02T10:00", &["demo", "--cases", "5"]);
    assert_eq!(v["created"], 5);
    let v = env.json("2026-03-02T10:00", &["autoclose"]);
    assert!(v["closed"].is_array());
    // mailto of a case without e-mail is a Spanish error
    let m = env.new_ticket("2026-03-02T09:30", &[]);
    let err = env.fail("2026-03-02T10:00", &["ticket", "mailto", &m]);
    assert!(err.contains("correo"), "{err}");
}
