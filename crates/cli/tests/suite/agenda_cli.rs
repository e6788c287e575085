//! `mesa ticket visit` and `mesa agenda` on a real data directory.


use crate::common::Env;

const NOW: &str = "2026-03-02T10:00";

fn new_case(env: &Env, requester: &str) -> String {
    env.ok(
        "2026-03-02T09:00",
        &[
            "ticket",
            "new",
            "--requester",
            requester,
            "--department",
            "Tesorería",
            "--description",
            "El equipo no enciende; urge, por favor",
            "--location",
            "Piso 2, oficina 204",
        ],
    )
    .trim()
    .to_string()
}

#[test]
fn visit_schedules_reschedules_writes_ics_and_cancels() {
    let env = Env::new();
    let n = new_case(&env, "Ana Gutiérrez");
    let out = env.ok(
        NOW,
        &[
            "ticket",
            "visit",
            &n,
            "--at",
            "05/03/2026 09:00",
            "--minutes",
            "45",
        ],
    );
    assert!(out.contains("05/03/2026 09:00 (45 min)"), "{out}");
    assert!(out.contains("Lugar: Piso 2, oficina 204"), "{out}");

    let ics = env.data.path().join("visita.ics");
    let v = env.json(
        NOW,
        &[
            "ticket",
            "visit",
            &n,
            "--at",
            "2026-03-06 14:30",
            "--who",
            "Ingeniero de sistemas",
            "--ics",
            ics.to_str().unwrap(),
        ],
    );
    assert_eq!(v["visit"]["starts_at"], "2026-03-06T14:30:00-05:00");
    assert_eq!(v["visit"]["minutes"], 60);
    assert_eq!(v["visit"]["who"], "Ingeniero de sistemas");
    assert_eq!(v["visit"]["sequence"], 1);
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(
        text.contains("DTSTART;TZID=America/Bogota:20260306T143000\r\n"),
        "{text}"
    );
    assert!(text.contains(&format!("SUMMARY:Visita técnica {n} — Ana Gutiérrez\r\n")));
    assert!(
        text.contains("LOCATION:Piso 2\\, oficina 204\r\n"),
        "{text}"
    );

    // The timeline of the case shows both, with old → new.
    let show = env.json(NOW, &["ticket", "show", &n]);
    let kinds: Vec<&str> = show["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.ends_with(&["visit_scheduled", "visit_rescheduled"]),
        "{kinds:?}"
    );

    // Without --at: shows the visit (and writes the .ics again).
    let out = env.ok(NOW, &["ticket", "visit", &n]);
    assert!(out.contains("06/03/2026 14:30"), "{out}");

    let e = env.fail(NOW, &["ticket", "visit", &n, "--cancel"]);
    assert!(e.contains("--reason"), "{e}");
    let out = env.ok(
        NOW,
        &[
            "ticket",
            "visit",
            &n,
            "--cancel",
            "--reason",
            "Se resolvió por teléfono",
        ],
    );
    assert!(out.contains("cancelada"), "{out}");
    let out = env.ok(NOW, &["ticket", "visit", &n]);
    assert!(out.contains("no tiene visita"), "{out}");
}

#[test]
fn visit_refusals_are_clear_and_in_spanish() {
    let env = Env::new();
    let n = new_case(&env, "Ana Gutiérrez");
    let e = env.fails(NOW, &["ticket", "visit", &n, "--at", "01/03/2026 09:00"]);
    assert_eq!(e["code"], "validation");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("fecha y hora de la visita") && msg.contains("ya pasó"),
        "{msg}"
    );
    let e = env.fails(
        NOW,
        &[
            "ticket",
            "visit",
            &n,
            "--at",
            "05/03/2026 09:00",
            "--who",
            "Nadie",
        ],
    );
    assert_eq!(e["code"], "catalog_not_found");
    let e = env.fails(
        NOW,
        &[
            "ticket",
            "visit",
            "MA-2026-0999",
            "--at",
            "05/03/2026 09:00",
        ],
    );
    assert_eq!(e["code"], "ticket_not_found");
    let e = env.fails(NOW, &["agenda", "--from", "2026-13-01"]);
    assert_eq!(e["code"], "validation");
    assert!(e["message"].as_str().unwrap().contains("--from"));
    // Nothing was scheduled.
    let show = env.json(NOW, &["ticket", "show", &n]);
    assert!(show["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["kind"].as_str().unwrap().starts_with("visit")));
}

#[test]
fn agenda_lists_the_week_from_today_and_a_range() {
    let env = Env::new();
    let a = new_case(&env, "Ana Gutiérrez");
    let b = new_case(&env, "Bernardo Díaz");
    env.ok(NOW, &["ticket", "visit", &a, "--at", "2026-03-04 15:00"]);
    env.ok(
        NOW,
        &[
            "ticket",
            "visit",
            &b,
            "--at",
            "2026-03-04 08:00",
            "--place",
            "Archivo",
        ],
    );
    let far = new_case(&env, "Carla Ruiz");
    env.ok(NOW, &["ticket", "visit", &far, "--at", "2026-03-20 08:00"]);

    // Default: seven days from today (Bogotá).
    let items = env.json(NOW, &["agenda"]);
    let nums: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap())
        .collect();
    assert_eq!(nums, [b.as_str(), a.as_str()]);
    assert_eq!(items[0]["visit"]["place"], "Archivo");
    assert_eq!(items[0]["requester"], "Bernardo Díaz");
    assert_eq!(items[0]["status"], "new");

    let out = env.ok(
        NOW,
        &["agenda", "--from", "20/03/2026", "--to", "2026-03-20"],
    );
    assert!(out.contains(&far) && !out.contains(&a), "{out}");
    assert!(out.contains("1 visitas"), "{out}");

    let ics = env.data.path().join("agenda.ics");
    env.ok(
        NOW,
        &[
            "agenda",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--ics",
            ics.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&ics).unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT\r\n").count(), 3);
}
