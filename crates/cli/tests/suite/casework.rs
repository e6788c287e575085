//! `mesa ticket edit`, `mesa ticket note` and `ticket show --json` with follow-ups: the real
//! binary on a temporary data directory with a fixed `--now`.

use serde_json::Value;

use crate::common::Env;

/// Registers an unclassified case received Friday 20 March 2026 at 3 p.m. (Monday 23 is a
/// holiday), five minutes later.
fn unclassified(env: &Env) -> String {
    env.ok(
        "2026-03-20T15:05",
        &[
            "ticket",
            "new",
            "--requester",
            "Ana Gutierez",
            "--department",
            "Tesorería",
            "--description",
            "El video beam no proyecta",
            "--received-at",
            "2026-03-20 15:00",
        ],
    )
    .trim()
    .to_string()
}

fn events_of<'a>(d: &'a Value, kind: &str) -> Vec<&'a Value> {
    d["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

#[test]
fn edit_reclassifies_and_the_timeline_shows_old_and_new_deadline() {
    let env = Env::new();
    let n = unclassified(&env);
    let before = env.json("2026-03-20T15:10", &["ticket", "show", &n]);
    assert_eq!(before["resolution_due_at"], "2026-03-31T15:00:00-05:00");
    let t = env.json(
        "2026-03-23T10:00",
        &[
            "ticket",
            "edit",
            &n,
            "--type",
            "Apoyo para alistamiento de equipos en reuniones",
            "--requester",
            "Ana Gutiérrez",
            "--reason",
            "clasificación",
        ],
    );
    assert_eq!(t["requester"], "Ana Gutiérrez");
    assert_eq!(t["resolution_due_at"], "2026-03-24T15:00:00-05:00");
    assert_eq!(t["status"], "assigned");
    let d = env.json("2026-03-23T10:00", &["ticket", "show", &n]);
    let due = events_of(&d, "deadline");
    assert_eq!(due.len(), 1, "{d}");
    assert_eq!(due[0]["old_value"], "2026-03-31T15:00:00-05:00");
    assert_eq!(due[0]["new_value"], "2026-03-24T15:00:00-05:00");
    let edits = events_of(&d, "edit");
    assert!(edits
        .iter()
        .any(|e| e["field"] == "requester" && e["old_value"] == "Ana Gutierez"));
    assert_eq!(d["editable"], true);
    // Text output names the new type.
    let out = env.ok(
        "2026-03-23T10:05",
        &["ticket", "edit", &n, "--phone", "3001234567"],
    );
    assert!(out.contains("Apoyo para alistamiento"), "{out}");
}

#[test]
fn edit_refusals_are_spanish_and_change_nothing() {
    let env = Env::new();
    let n = unclassified(&env);
    let err = env.fail(
        "2026-03-20T16:00",
        &["ticket", "edit", &n, "--received-at", "2026-03-20 09:00"],
    );
    assert!(err.contains("motivo"), "{err}");
    let err = env.fail(
        "2026-03-20T16:00",
        &["ticket", "edit", &n, "--email", "ana@", "--requester", "X"],
    );
    assert!(err.contains("correo"), "{err}");
    let d = env.json("2026-03-20T16:00", &["ticket", "show", &n]);
    assert_eq!(d["requester"], "Ana Gutierez");
    assert!(events_of(&d, "edit").is_empty());
    env.ok(
        "2026-03-20T16:00",
        &["ticket", "cancel", &n, "--reason", "duplicado"],
    );
    let err = env.fail(
        "2026-03-20T16:10",
        &["ticket", "edit", &n, "--requester", "Otra"],
    );
    assert!(err.contains("Anulado"), "{err}");
}

#[test]
fn notes_internal_and_public_and_the_contact_stops_the_response_clock() {
    let env = Env::new();
    let n = unclassified(&env);
    let f = env.json(
        "2026-03-20T15:30",
        &[
            "ticket",
            "note",
            &n,
            "--text",
            "Revisé el inventario",
            "--internal",
            "--minutes",
            "15",
        ],
    );
    assert_eq!(f["visibility"], "internal");
    assert_eq!(f["minutes"], 15);
    let d = env.json("2026-03-20T15:31", &["ticket", "show", &n]);
    assert_eq!(d["first_response_at"], Value::Null);
    env.ok(
        "2026-03-20T17:00",
        &[
            "ticket",
            "note",
            &n,
            "--text",
            "Llamé a la usuaria",
            "--contact",
            "--internal",
            "--at",
            "2026-03-20 16:00",
        ],
    );
    env.ok(
        "2026-03-20T17:05",
        &["ticket", "note", &n, "--text", "Mañana pasamos a revisar"],
    );
    let d = env.json("2026-03-20T17:10", &["ticket", "show", &n]);
    assert_eq!(d["first_response_at"], "2026-03-20T16:00:00-05:00");
    let f = d["follow_ups"].as_array().unwrap();
    assert_eq!(f.len(), 3);
    assert_eq!(f[1]["contact"], true);
    assert_eq!(f[2]["visibility"], "public");
    assert_eq!(f[2]["actor"], "Técnico de sistemas");
    // Text output marks internal notes.
    let out = env.ok("2026-03-20T17:10", &["ticket", "show", &n]);
    assert!(out.contains("NOTA INTERNA"), "{out}");
    let err = env.fail(
        "2026-03-20T17:10",
        &["ticket", "note", &n, "--text", "x", "--minutes=-3"],
    );
    assert!(err.contains("tiempo invertido"), "{err}");
}

#[test]
fn a_new_case_is_resolved_without_assigning_or_starting_it() {
    let env = Env::new();
    let n = unclassified(&env);
    let t = env.json(
        "2026-03-20T15:20",
        &[
            "ticket",
            "resolve",
            &n,
            "--solution",
            "Se le indicó cambiar la entrada del proyector",
        ],
    );
    assert_eq!(t["status"], "resolved");
    assert_eq!(t["assignee"], "Técnico de sistemas");
    assert_eq!(t["first_response_at"], "2026-03-20T15:20:00-05:00");
}
