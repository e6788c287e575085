//! `mesa ticket link|unlink` and `mesa ticket resolve --children` on the real binary (issue 13):
//! a temporary data directory, fixed `--now`.

use serde_json::Value;

use crate::common::Env;

fn new_ticket(env: &Env, now: &str, requester: &str) -> String {
    env.ok(
        now,
        &[
            "ticket",
            "new",
            "--requester",
            requester,
            "--department",
            "tesoreria",
            "--description",
            "Sin red en el piso 2",
        ],
    )
    .trim()
    .to_string()
}

fn links(v: &Value) -> Vec<(String, String)> {
    v["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["role"].as_str().unwrap().to_string(),
                l["number"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn event_kinds(env: &Env, now: &str, n: &str) -> Vec<String> {
    env.json(now, &["ticket", "show", n])["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn duplicate_of_cancels_and_both_cases_show_the_link() {
    let env = Env::new();
    let a = new_ticket(&env, "2026-03-02T08:00", "Ana Gutiérrez");
    let b = new_ticket(&env, "2026-03-02T08:30", "Luis Pérez");
    let v = env.json(
        "2026-03-02T09:00",
        &["ticket", "link", &b, "--duplicate-of", &a],
    );
    assert_eq!(v["status"], "cancelled");
    assert_eq!(links(&v), vec![("duplicate_of".to_string(), a.clone())]);
    assert_eq!(v["links"][0]["removable"], false);
    let shown = env.json("2026-03-02T09:05", &["ticket", "show", &b]);
    assert_eq!(shown["status"], "cancelled");
    let cancel = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "cancel")
        .unwrap();
    assert_eq!(cancel["note"], format!("Duplicado de {a}"));
    assert_eq!(
        event_kinds(&env, "2026-03-02T09:05", &a).last().unwrap(),
        "link"
    );

    // An unknown case is named; the duplicate link cannot be removed.
    let err = env.fails(
        "2026-03-02T09:10",
        &["ticket", "link", &a, "--related", "MA-2026-0099"],
    );
    assert_eq!(err["code"], "ticket_not_found");
    assert!(err["message"].as_str().unwrap().contains("MA-2026-0099"));
    let err = env.fail("2026-03-02T09:10", &["ticket", "unlink", &a, &b]);
    assert!(err.contains("duplicado"), "{err}");
    // Refusals: itself, already linked, duplicate of a cancelled case, two kinds at once.
    let c = new_ticket(&env, "2026-03-02T09:20", "Marta Díaz");
    let err = env.fails("2026-03-02T09:30", &["ticket", "link", &c, "--related", &c]);
    assert_eq!(err["code"], "validation");
    assert!(err["message"].as_str().unwrap().contains("consigo mismo"));
    let err = env.fails("2026-03-02T09:30", &["ticket", "link", &a, "--parent", &b]);
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("ya están vinculados"));
    let err = env.fails(
        "2026-03-02T09:30",
        &["ticket", "link", &c, "--duplicate-of", &b],
    );
    assert!(
        err["message"].as_str().unwrap().contains("anulado"),
        "{err}"
    );
    let o = env.run(
        "2026-03-02T09:30",
        &["ticket", "link", &c, "--related", &a, "--parent", &a],
    );
    assert!(!o.status.success());
    let o = env.run("2026-03-02T09:30", &["ticket", "link", &c]);
    assert!(!o.status.success());
    assert_eq!(
        env.json("2026-03-02T09:40", &["ticket", "show", &c])["status"],
        "new"
    );
}

#[test]
fn related_text_output_and_unlink() {
    let env = Env::new();
    let a = new_ticket(&env, "2026-03-02T08:00", "Ana Gutiérrez");
    let b = new_ticket(&env, "2026-03-02T08:30", "Luis Pérez");
    let out = env.ok("2026-03-02T09:00", &["ticket", "link", &a, "--related", &b]);
    assert!(out.contains("Relacionado con"), "{out}");
    assert!(out.contains(&b) && out.contains("Luis Pérez"), "{out}");
    let v = env.json("2026-03-02T09:10", &["ticket", "unlink", &b, &a]);
    assert!(links(&v).is_empty());
    for n in [&a, &b] {
        let k = event_kinds(&env, "2026-03-02T09:20", n);
        assert_eq!(&k[k.len() - 2..], ["link", "unlink"], "{n}");
    }
    let err = env.fail("2026-03-02T09:30", &["ticket", "unlink", &a, &b]);
    assert!(err.contains("no están vinculados"), "{err}");
}

#[test]
fn resolve_children_resolves_the_open_children_with_the_same_solution() {
    let env = Env::new();
    let p = new_ticket(&env, "2026-03-02T08:00", "Secretaría General");
    let c1 = new_ticket(&env, "2026-03-02T08:10", "Ana Gutiérrez");
    let c2 = new_ticket(&env, "2026-03-02T08:20", "Luis Pérez");
    let loose = new_ticket(&env, "2026-03-02T08:30", "Marta Díaz");
    for c in [&c1, &c2] {
        let v = env.json("2026-03-02T09:00", &["ticket", "link", c, "--parent", &p]);
        assert_eq!(links(&v), vec![("parent".to_string(), p.clone())]);
    }
    for n in [&p, &c1, &c2, &loose] {
        env.ok("2026-03-02T09:10", &["ticket", "start", n]);
    }
    let v = env.json(
        "2026-03-02T10:00",
        &[
            "ticket",
            "resolve",
            &p,
            "--solution",
            "Se reemplazó el switch",
            "--children",
        ],
    );
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["children_resolved"], serde_json::json!([c1, c2]));
    for c in [&c1, &c2] {
        let t = env.json("2026-03-02T10:05", &["ticket", "show", c]);
        assert_eq!(t["status"], "resolved");
        assert_eq!(t["solution"], "Se reemplazó el switch");
        assert_eq!(t["survey_due_at"], v["survey_due_at"]);
        let last = t["events"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["kind"], "parent_resolved");
        assert_eq!(last["note"], format!("Solucionado con el caso padre {p}"));
    }
    assert_eq!(
        env.json("2026-03-02T10:05", &["ticket", "show", &loose])["status"],
        "in_progress"
    );
    // Without --children, a plain resolve leaves the children alone.
    let p2 = new_ticket(&env, "2026-03-02T11:00", "Secretaría General");
    env.ok(
        "2026-03-02T11:00",
        &["ticket", "link", &loose, "--parent", &p2],
    );
    env.ok("2026-03-02T11:05", &["ticket", "start", &p2]);
    let out = env.ok(
        "2026-03-02T11:10",
        &["ticket", "resolve", &p2, "--solution", "Listo"],
    );
    assert!(out.contains("Solucionado"), "{out}");
    assert_eq!(
        env.json("2026-03-02T11:15", &["ticket", "show", &loose])["status"],
        "in_progress"
    );
}
