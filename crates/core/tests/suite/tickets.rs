//! Case (ticket) workflow: registration and numbering, SLA deadlines on the business calendar,
//! lifecycle and timeline, survey, automatic closing, list/search, dashboard, mailto,
//! recomputation after a calendar change and demo data. Every instant is fixed (no system clock).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::settings::CalendarConfig;
use mesa_core::*;

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

/// A fixed instant: RFC 3339 or Bogota wall time `YYYY-MM-DDTHH:MM`.
fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn store() -> Store {
    crate::support::store()
}

fn input(requester: &str, department: &str, description: &str) -> NewTicket {
    NewTicket {
        requester: requester.into(),
        department: department.into(),
        description: description.into(),
        ..Default::default()
    }
}

/// Registers a plain case (no service type) received at `received`, registered at `now`.
fn create_at(s: &mut Store, received: &str, now: &str) -> Ticket {
    let mut i = input("Ana Gutiérrez", "Tesorería", "El equipo no enciende");
    i.received_at = Some(received.into());
    s.create_ticket(&i, "Técnico de sistemas", at(now)).unwrap()
}

fn act(s: &mut Store, number: &str, a: TicketAction, now: &str) -> Result<Ticket> {
    s.apply_action(number, &a, "Técnico de sistemas", at(now))
}

fn ok(s: &mut Store, number: &str, a: TicketAction, now: &str) -> Ticket {
    act(s, number, a, now).unwrap()
}

fn hold(reason: &str) -> TicketAction {
    TicketAction::Hold {
        reason: reason.into(),
    }
}

fn resolve(solution: &str) -> TicketAction {
    TicketAction::Resolve {
        solution: solution.into(),
        products: None,
        time_spent_minutes: None,
    }
}

fn survey(scores: &[i64]) -> TicketAction {
    TicketAction::Survey {
        scores: scores.to_vec(),
        comment: Some("Muy buena atención".into()),
    }
}

fn events(s: &Store, number: &str, now: &str) -> Vec<TicketEvent> {
    s.get_ticket(number, at(now)).unwrap().events
}

fn kinds(ev: &[TicketEvent]) -> Vec<&str> {
    ev.iter().map(|e| e.kind.as_str()).collect()
}

fn assert_code<T: std::fmt::Debug>(r: Result<T>, code: &str) -> CoreError {
    let e = r.expect_err("se esperaba un error");
    assert_eq!(e.code(), code, "{e}");
    e
}

fn numbers(p: &TicketPage) -> Vec<String> {
    p.items.iter().map(|t| t.number.clone()).collect()
}

fn seq_of(s: &Store) -> Vec<i64> {
    let mut stmt = s
        .connection()
        .prepare("SELECT seq FROM tickets ORDER BY seq")
        .unwrap();
    let v: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<std::result::Result<_, _>>()
        .unwrap();
    v
}

// ---------------------------------------------------------------------------
// registration and numbering
// ---------------------------------------------------------------------------

#[test]
fn numbers_are_consecutive_per_registration_year_and_reset() {
    let mut s = store();
    let a = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20");
    let b = create_at(&mut s, "2026-03-02T09:30", "2026-03-02T09:35");
    assert_eq!(a.number, "MA-2026-0001");
    assert_eq!(b.number, "MA-2026-0002");
    // 31 Dec 20:00 in Bogota is already 1 Jan in UTC: the year is the local one.
    let c = create_at(&mut s, "2026-12-31T19:00", "2026-12-31T20:00");
    assert_eq!(c.number, "MA-2026-0003");
    // received in 2026, registered in 2027: the registration year counts
    let d = create_at(&mut s, "2026-12-31T17:00", "2027-01-02T08:00");
    assert_eq!(d.number, "MA-2027-0001");
    let e = create_at(&mut s, "2027-01-02T08:05", "2027-01-02T08:10");
    assert_eq!(e.number, "MA-2027-0002");
    assert_eq!(a.registered_at, "2026-03-02T09:20:00-05:00");
    assert_eq!(a.received_at.as_deref(), Some("2026-03-02T09:15:00-05:00"));
}

#[test]
fn numbers_grow_beyond_four_digits() {
    let mut s = store();
    s.connection()
        .execute(
            "INSERT INTO ticket_counters(year, last) VALUES (2026, 9999)",
            [],
        )
        .unwrap();
    let t = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20");
    assert_eq!(t.number, "MA-2026-10000");
}

#[test]
fn cancelled_numbers_are_kept_and_never_reused() {
    let mut s = store();
    let a = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20");
    let c = ok(
        &mut s,
        &a.number,
        TicketAction::Cancel {
            reason: "Duplicado del caso enviado por correo".into(),
        },
        "2026-03-02T09:30",
    );
    assert_eq!(c.status, TicketStatus::Cancelled);
    assert_eq!(c.number, "MA-2026-0001");
    let b = create_at(&mut s, "2026-03-02T09:40", "2026-03-02T09:45");
    assert_eq!(b.number, "MA-2026-0002");
    let still = s
        .get_ticket("MA-2026-0001", at("2026-03-02T10:00"))
        .unwrap();
    assert_eq!(still.ticket.status, TicketStatus::Cancelled);
    let page = s
        .list_tickets(&TicketQuery::default(), at("2026-03-02T10:00"))
        .unwrap();
    assert_eq!(page.total, 2, "el caso anulado sigue visible");
}

#[test]
fn required_fields_are_validated_in_spanish() {
    let mut s = store();
    let now = at("2026-03-02T10:00");
    for (i, field) in [
        (input("  ", "Tesorería", "x"), "solicitante"),
        (input("Ana", "", "x"), "dependencia"),
        (input("Ana", "Tesorería", " \n "), "descripción"),
    ] {
        let e = assert_code(s.create_ticket(&i, "t", now), "validation");
        let msg = e.to_string();
        assert!(msg.contains(field), "{msg} debe nombrar {field}");
        assert!(msg.contains("obligatori"), "{msg}");
    }
    // nothing was registered and no number was consumed
    let t = create_at(&mut s, "2026-03-02T09:00", "2026-03-02T10:00");
    assert_eq!(t.number, "MA-2026-0001");
}

#[test]
fn invalid_emails_are_refused_and_valid_ones_kept() {
    let mut s = store();
    let now = at("2026-03-02T10:00");
    for bad in [
        "ana",
        "ana@",
        "@indupal.gov.co",
        "ana@indupal",
        "ana@.gov.co",
        "ana@indupal.",
        "ana gutierrez@indupal.gov.co",
        "ana@@indupal.gov.co",
        "ana@indu@pal.gov.co",
    ] {
        let mut i = input("Ana", "Tesorería", "x");
        i.email = Some(bad.into());
        let e = assert_code(s.create_ticket(&i, "t", now), "validation");
        assert!(e.to_string().contains("correo"), "{e}");
    }
    let mut i = input("Ana", "Tesorería", "x");
    i.email = Some("  ana.gutierrez@indupalvalledupar.gov.co ".into());
    let t = s.create_ticket(&i, "t", now).unwrap();
    assert_eq!(
        t.email.as_deref(),
        Some("ana.gutierrez@indupalvalledupar.gov.co")
    );
    // an empty e-mail is simply no e-mail
    let mut i = input("Ana", "Tesorería", "x");
    i.email = Some("   ".into());
    assert_eq!(s.create_ticket(&i, "t", now).unwrap().email, None);
}

#[test]
fn received_in_the_future_is_refused() {
    let mut s = store();
    let mut i = input("Ana", "Tesorería", "x");
    i.received_at = Some("2026-03-03T09:00".into());
    let e = assert_code(
        s.create_ticket(&i, "t", at("2026-03-02T10:00")),
        "validation",
    );
    assert!(e.to_string().contains("recibido"), "{e}");
    i.received_at = Some("2026-03-02T11:00".into());
    assert_code(
        s.create_ticket(&i, "t", at("2026-03-02T10:00")),
        "validation",
    );
    i.received_at = Some("ayer".into());
    assert_code(
        s.create_ticket(&i, "t", at("2026-03-02T10:00")),
        "validation",
    );
    // received_at omitted = registration time
    i.received_at = None;
    let t = s.create_ticket(&i, "t", at("2026-03-02T10:00")).unwrap();
    assert_eq!(t.received_at.as_deref(), Some("2026-03-02T10:00:00-05:00"));
}

#[test]
fn service_type_is_matched_loosely_and_assigns_the_default() {
    let mut s = store();
    let mut i = input("Ana", "tesoreria", "No llega el correo");
    i.service_type = Some("  ADMINISTRACION de correo electronico INSTITUCIONAL ".into());
    i.received_at = Some("2026-03-02T09:15".into());
    let t = s
        .create_ticket(&i, "Técnico de sistemas", at("2026-03-02T09:20"))
        .unwrap();
    assert_eq!(
        t.service_type.as_deref(),
        Some("Administración de correo electrónico institucional")
    );
    assert_eq!(t.assignee.as_deref(), Some("Técnico de sistemas"));
    assert_eq!(t.status, TicketStatus::Assigned);
    assert_eq!(t.level, 1);
    assert_eq!(t.department, "Tesorería");
    // response 720 and resolution 960 business minutes from the catalog
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-03T15:15:00-05:00")
    );
    assert_eq!(
        t.resolution_due_at.as_deref(),
        Some("2026-03-04T09:15:00-05:00")
    );
    let ev = events(&s, &t.number, "2026-03-02T09:20");
    assert_eq!(kinds(&ev), ["create", "assign"]);
    assert_eq!(ev[1].new_value.as_deref(), Some("Técnico de sistemas"));

    // level-2 type goes to the engineer
    let mut i = input("Carlos", "CONTABILIDAD", "Reporte de causaciones");
    i.service_type = Some("actualizacion y soporte de aplicativos area financiera".into());
    let t = s.create_ticket(&i, "t", at("2026-03-02T09:30")).unwrap();
    assert_eq!(t.assignee.as_deref(), Some("Ingeniero de sistemas"));
    assert_eq!(t.level, 2);
    assert_eq!(t.department, "Contabilidad");

    // without a type: new, unassigned, level 1
    let t = create_at(&mut s, "2026-03-02T09:00", "2026-03-02T09:40");
    assert_eq!(t.status, TicketStatus::New);
    assert_eq!(t.assignee, None);
    assert_eq!(
        kinds(&events(&s, &t.number, "2026-03-02T09:40")),
        ["create"]
    );

    // an unknown type is refused
    let mut i = input("Ana", "Tesorería", "x");
    i.service_type = Some("Reparación de cafeteras".into());
    assert_code(
        s.create_ticket(&i, "t", at("2026-03-02T09:50")),
        "catalog_not_found",
    );
}

#[test]
fn new_department_spellings_are_added_once() {
    let mut s = store();
    let now = at("2026-03-02T10:00");
    let t = s
        .create_ticket(&input("Ana", "  Oficina   de Archivo ", "x"), "t", now)
        .unwrap();
    assert_eq!(t.department, "Oficina de Archivo");
    let t = s
        .create_ticket(&input("Ana", "oficina de archivo", "x"), "t", now)
        .unwrap();
    assert_eq!(t.department, "Oficina de Archivo");
    let deps = s.catalogs().unwrap().departments;
    assert_eq!(
        deps.iter().filter(|d| *d == "Oficina de Archivo").count(),
        1
    );
}

#[test]
fn priority_comes_from_the_matrix_and_values_are_checked() {
    let mut s = store();
    let now = at("2026-03-02T10:00");
    let mut i = input("Ana", "Tesorería", "x");
    i.urgency = Some(3);
    i.impact = Some(3);
    assert_eq!(s.create_ticket(&i, "t", now).unwrap().priority, "urgente");
    i.urgency = Some(1);
    i.impact = Some(2);
    assert_eq!(s.create_ticket(&i, "t", now).unwrap().priority, "baja");
    i.urgency = Some(4);
    assert_code(s.create_ticket(&i, "t", now), "validation");
    i.urgency = None;
    i.channel = Some("paloma mensajera".into());
    assert_code(s.create_ticket(&i, "t", now), "validation");
    i.channel = Some("TELEFONO".into());
    assert_eq!(s.create_ticket(&i, "t", now).unwrap().channel, "teléfono");
}

#[test]
fn concurrent_writers_get_distinct_gapless_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mesa.db");
    // create and migrate once; then 4 writers, each with its own connection
    drop(Store::open(&path).unwrap());
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                let mut out = Vec::new();
                for k in 0..25 {
                    let mut i = input(&format!("Usuario {w}"), "Sistemas", &format!("caso {k}"));
                    i.received_at = Some("2026-03-02T08:00".into());
                    out.push(
                        s.create_ticket(&i, "t", at("2026-03-02T09:00"))
                            .unwrap()
                            .number,
                    );
                }
                out
            })
        })
        .collect();
    let all: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(all.len(), 100);
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), 100);
    let s = Store::open(&path).unwrap();
    assert_eq!(seq_of(&s), (1..=100).collect::<Vec<i64>>());
    let last: i64 = s
        .connection()
        .query_row(
            "SELECT last FROM ticket_counters WHERE year = 2026",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(last, 100);
}

// ---------------------------------------------------------------------------
// deadlines
// ---------------------------------------------------------------------------

#[test]
fn deadline_monday_morning() {
    let mut s = store();
    let t = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20");
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-03T15:15:00-05:00")
    );
    // 2880 business minutes = six business days later at the same moment
    assert_eq!(
        t.resolution_due_at.as_deref(),
        Some("2026-03-10T09:15:00-05:00")
    );
}

#[test]
fn deadline_friday_afternoon_crosses_the_weekend() {
    let mut s = store();
    let t = create_at(&mut s, "2026-03-06T17:00", "2026-03-06T17:05");
    // Fri 60 + Mon 480 + Tue 08:00–11:00
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-10T11:00:00-05:00")
    );
}

#[test]
fn deadline_received_at_night_counts_from_next_opening() {
    let mut s = store();
    // Mon 22:00 → counting starts Tue 08:00; 720 min end exactly at Wed 12:00 (closing time)
    let t = create_at(&mut s, "2026-03-02T22:00", "2026-03-02T22:05");
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-04T12:00:00-05:00")
    );
    // same as if it had been received Tue 07:00 or at Tue 08:00
    let u = create_at(&mut s, "2026-03-03T07:00", "2026-03-03T07:05");
    assert_eq!(u.response_due_at, t.response_due_at);
    let v = create_at(&mut s, "2026-03-03T08:00", "2026-03-03T08:05");
    assert_eq!(v.response_due_at, t.response_due_at);
    // received during lunch counts from 14:00
    let w = create_at(&mut s, "2026-03-03T12:30", "2026-03-03T12:35");
    assert_eq!(
        w.response_due_at.as_deref(),
        Some("2026-03-04T18:00:00-05:00")
    );
}

#[test]
fn deadline_skips_san_jose_holiday() {
    let mut s = store();
    // Fri 20 Mar 15:00: Fri 180, Mon 23 is San José (moved from Thu 19), Tue 480, Wed 08–09
    let t = create_at(&mut s, "2026-03-20T15:00", "2026-03-20T15:05");
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-25T09:00:00-05:00")
    );
    // Thursday 19 March itself is a working day
    let u = create_at(&mut s, "2026-03-19T09:00", "2026-03-19T09:05");
    assert_eq!(
        u.response_due_at.as_deref(),
        Some("2026-03-20T15:00:00-05:00")
    );
}

#[test]
fn hold_and_resume_shift_resolution_by_the_paused_business_minutes() {
    let mut s = store();
    let t = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20");
    let n = t.number;
    ok(
        &mut s,
        &n,
        TicketAction::Assign {
            to: "tecnico de sistemas".into(),
        },
        "2026-03-02T09:25",
    );
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:30");
    let before = s.get_ticket(&n, at("2026-03-03T10:00")).unwrap().ticket;
    assert_eq!(
        before.resolution_due_at.as_deref(),
        Some("2026-03-10T09:15:00-05:00")
    );

    let h = ok(&mut s, &n, hold("Esperando repuesto"), "2026-03-03T10:00");
    assert_eq!(h.status, TicketStatus::OnHold);
    assert_eq!(h.resolution_due_at, None, "en espera no hay vencimiento");
    assert_eq!(h.response_due_at, None);
    // on hold for weeks: never overdue, not in the overdue filter, not counted overdue
    let much_later = at("2026-04-30T10:00");
    let t = s.get_ticket(&n, much_later).unwrap().ticket;
    assert!(!t.overdue && !t.due_soon);
    let q = TicketQuery {
        overdue: Some(true),
        ..Default::default()
    };
    assert_eq!(s.list_tickets(&q, much_later).unwrap().total, 0);
    assert_eq!(s.dashboard(much_later).unwrap().overdue, 0);

    // 90 business minutes later (10:00 → 11:30)
    let r = ok(&mut s, &n, TicketAction::Resume, "2026-03-03T11:30");
    assert_eq!(r.status, TicketStatus::InProgress);
    assert_eq!(
        r.resolution_due_at.as_deref(),
        Some("2026-03-10T10:45:00-05:00")
    );
}

#[test]
fn hold_over_a_night_shifts_only_by_the_business_part() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:30");
    ok(&mut s, &n, hold("Usuario ausente"), "2026-03-03T17:00");
    // Tue 17:00–18:00 and Wed 08:00–09:00: 120 business minutes
    let r = ok(&mut s, &n, TicketAction::Resume, "2026-03-04T09:00");
    assert_eq!(
        r.resolution_due_at.as_deref(),
        Some("2026-03-10T11:15:00-05:00")
    );
    // a second pause accumulates: Fri 6 Mar 11:00 → Mon 9 Mar 08:30 = 60 + 240 + 30 = 330
    ok(&mut s, &n, hold("Proveedor"), "2026-03-06T11:00");
    let r = ok(&mut s, &n, TicketAction::Resume, "2026-03-09T08:30");
    assert_eq!(
        r.resolution_due_at.as_deref(),
        Some("2026-03-11T08:45:00-05:00")
    );
}

#[test]
fn deadline_already_passed_before_hold_stays_and_is_overdue() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:30");
    let h = ok(&mut s, &n, hold("Proveedor"), "2026-03-11T09:00");
    assert_eq!(
        h.resolution_due_at.as_deref(),
        Some("2026-03-10T09:15:00-05:00")
    );
    assert!(h.overdue);
}

#[test]
fn overdue_and_due_soon_flags() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    // response due Tue 15:15
    let t = s.get_ticket(&n, at("2026-03-03T10:00")).unwrap().ticket;
    assert!(!t.overdue && !t.due_soon);
    let t = s.get_ticket(&n, at("2026-03-03T13:30")).unwrap().ticket;
    assert!(!t.overdue && t.due_soon, "faltan 75 minutos hábiles");
    let t = s.get_ticket(&n, at("2026-03-03T15:15")).unwrap().ticket;
    assert!(!t.overdue, "vence exactamente ahora, aún no está vencido");
    let t = s.get_ticket(&n, at("2026-03-03T15:16")).unwrap().ticket;
    assert!(t.overdue && !t.due_soon);
    // the first attention stops the response clock
    ok(&mut s, &n, TicketAction::Start, "2026-03-03T15:10");
    let t = s.get_ticket(&n, at("2026-03-03T15:16")).unwrap().ticket;
    assert!(!t.overdue);
    assert_eq!(
        t.first_response_at.as_deref(),
        Some("2026-03-03T15:10:00-05:00")
    );
}

// ---------------------------------------------------------------------------
// lifecycle and timeline
// ---------------------------------------------------------------------------

#[test]
fn full_lifecycle_to_survey_close() {
    let mut s = store();
    let mut i = input("Jorge Castro", "Almacén", "El computador no enciende");
    i.service_type = Some("Mantenimiento de equipos de cómputo".into());
    i.email = Some("jorge.castro@indupal.gov.co".into());
    i.received_at = Some("2026-03-02T08:30".into());
    let t = s
        .create_ticket(&i, "Técnico de sistemas", at("2026-03-02T08:40"))
        .unwrap();
    let n = t.number.clone();
    assert_eq!(t.status, TicketStatus::Assigned);

    let e = ok(
        &mut s,
        &n,
        TicketAction::Escalate {
            to: "Ingeniero de sistemas".into(),
            reason: "Falla de la tarjeta madre".into(),
        },
        "2026-03-02T09:00",
    );
    assert_eq!(e.level, 2);
    assert_eq!(e.assignee.as_deref(), Some("Ingeniero de sistemas"));
    assert_eq!(e.status, TicketStatus::Assigned);

    let st = ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:10");
    assert_eq!(st.status, TicketStatus::InProgress);
    assert_eq!(
        st.first_response_at.as_deref(),
        Some("2026-03-02T09:10:00-05:00")
    );
    ok(&mut s, &n, hold("Esperando repuesto"), "2026-03-02T10:00");
    ok(&mut s, &n, TicketAction::Resume, "2026-03-02T11:00");
    let r = ok(
        &mut s,
        &n,
        TicketAction::Resolve {
            solution: "Se cambió la fuente de poder".into(),
            products: Some("Fuente ATX 500 W".into()),
            time_spent_minutes: Some(45),
        },
        "2026-03-02T15:00",
    );
    assert_eq!(r.status, TicketStatus::Resolved);
    assert_eq!(r.resolved_at.as_deref(), Some("2026-03-02T15:00:00-05:00"));
    assert_eq!(r.solution.as_deref(), Some("Se cambió la fuente de poder"));
    assert_eq!(
        r.survey_due_at.as_deref(),
        Some("2026-03-04T15:00:00-05:00")
    );
    // first response is not overwritten
    assert_eq!(r.first_response_at, st.first_response_at);

    let c = ok(&mut s, &n, survey(&[5, 4, 5, 4]), "2026-03-03T10:00");
    assert_eq!(c.status, TicketStatus::Closed);
    assert_eq!(c.close_reason.as_deref(), Some("survey"));
    assert_eq!(c.closed_at.as_deref(), Some("2026-03-03T10:00:00-05:00"));
    let sv = c.survey.clone().unwrap();
    assert_eq!(sv.scores, [5, 4, 5, 4]);
    assert_eq!(sv.comment.as_deref(), Some("Muy buena atención"));
    assert_eq!(sv.answered_at, "2026-03-03T10:00:00-05:00");

    let ev = events(&s, &n, "2026-03-03T10:00");
    assert_eq!(
        kinds(&ev),
        [
            "create",
            "assign",
            "escalate",
            "assign",
            "first_response",
            "start",
            "hold",
            "resume",
            "update",
            "update",
            "resolve",
            "survey",
            "close"
        ]
    );
    let find = |k: &str| ev.iter().find(|e| e.kind == k).unwrap();
    assert_eq!(find("create").new_value.as_deref(), Some(n.as_str()));
    let esc = find("escalate");
    assert_eq!(esc.field.as_deref(), Some("level"));
    assert_eq!(esc.old_value.as_deref(), Some("1"));
    assert_eq!(esc.new_value.as_deref(), Some("2"));
    let note = esc.note.as_deref().unwrap();
    assert!(note.contains("Falla de la tarjeta madre"), "{note}");
    assert!(note.contains("Técnico de sistemas"), "{note}");
    assert!(note.contains("Ingeniero de sistemas"), "{note}");
    assert_eq!(esc.at, "2026-03-02T09:00:00-05:00");
    assert_eq!(esc.actor, "Técnico de sistemas");
    let reassign = &ev[3];
    assert_eq!(reassign.old_value.as_deref(), Some("Técnico de sistemas"));
    assert_eq!(reassign.new_value.as_deref(), Some("Ingeniero de sistemas"));
    let start = find("start");
    assert_eq!(
        (start.old_value.as_deref(), start.new_value.as_deref()),
        (Some("assigned"), Some("in_progress"))
    );
    let h = find("hold");
    assert_eq!(
        (h.old_value.as_deref(), h.new_value.as_deref()),
        (Some("in_progress"), Some("on_hold"))
    );
    assert_eq!(h.note.as_deref(), Some("Esperando repuesto"));
    let rs = find("resume");
    assert_eq!(
        (rs.old_value.as_deref(), rs.new_value.as_deref()),
        (Some("on_hold"), Some("in_progress"))
    );
    let sol = &ev[8];
    assert_eq!(sol.field.as_deref(), Some("solution"));
    assert_eq!(
        sol.new_value.as_deref(),
        Some("Se cambió la fuente de poder")
    );
    let resolve = find("resolve");
    assert_eq!(
        (resolve.old_value.as_deref(), resolve.new_value.as_deref()),
        (Some("in_progress"), Some("resolved"))
    );
    assert_eq!(find("survey").new_value.as_deref(), Some("5,4,5,4"));
    let close = find("close");
    assert_eq!(
        (close.old_value.as_deref(), close.new_value.as_deref()),
        (Some("resolved"), Some("closed"))
    );
    // escalation counted
    let esc_count: i64 = s
        .connection()
        .query_row(
            "SELECT escalation_count FROM tickets WHERE number = ?1",
            [&n],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(esc_count, 1);
}

#[test]
fn verify_closes_with_reason_verified_and_survey_may_follow() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    ok(
        &mut s,
        &n,
        TicketAction::Assign {
            to: "Técnico de sistemas".into(),
        },
        "2026-03-02T09:30",
    );
    ok(
        &mut s,
        &n,
        resolve("Se reinició el equipo"),
        "2026-03-02T10:00",
    );
    let v = ok(
        &mut s,
        &n,
        TicketAction::Verify { confirmation: None },
        "2026-03-02T11:00",
    );
    assert_eq!(v.status, TicketStatus::Closed);
    assert_eq!(v.close_reason.as_deref(), Some("verified"));
    assert_eq!(v.closed_at.as_deref(), Some("2026-03-02T11:00:00-05:00"));
    // resolving straight from "assigned" records the first attention too
    assert_eq!(
        v.first_response_at.as_deref(),
        Some("2026-03-02T10:00:00-05:00")
    );
    let ev = events(&s, &n, "2026-03-02T11:00");
    let verify = ev.iter().find(|e| e.kind == "verify").unwrap();
    assert_eq!(verify.old_value.as_deref(), Some("resolved"));
    assert_eq!(verify.new_value.as_deref(), Some("closed"));
    // a survey can still be recorded; the close reason stays "verified"
    let after = ok(&mut s, &n, survey(&[5, 5, 5, 5]), "2026-03-02T12:00");
    assert_eq!(after.status, TicketStatus::Closed);
    assert_eq!(after.close_reason.as_deref(), Some("verified"));
    assert!(after.survey.is_some());
    // only one survey
    assert_code(
        act(&mut s, &n, survey(&[1, 1, 1, 1]), "2026-03-02T12:05"),
        "invalid_transition",
    );
}

#[test]
fn reject_reopens_the_case() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:30");
    ok(
        &mut s,
        &n,
        resolve("Se reinició el equipo"),
        "2026-03-02T10:00",
    );
    assert_code(
        act(
            &mut s,
            &n,
            TicketAction::Reject { reason: " ".into() },
            "2026-03-02T11:00",
        ),
        "validation",
    );
    let r = ok(
        &mut s,
        &n,
        TicketAction::Reject {
            reason: "Sigue sin encender".into(),
        },
        "2026-03-02T11:00",
    );
    assert_eq!(r.status, TicketStatus::InProgress);
    assert_eq!(r.resolved_at, None);
    assert_eq!(r.survey_due_at, None);
    // same clocks continue
    assert_eq!(
        r.resolution_due_at.as_deref(),
        Some("2026-03-10T09:15:00-05:00")
    );
    let ev = events(&s, &n, "2026-03-02T11:00");
    let reopen = ev.last().unwrap();
    assert_eq!(reopen.kind, "reopen");
    assert_eq!(reopen.old_value.as_deref(), Some("resolved"));
    assert_eq!(reopen.new_value.as_deref(), Some("in_progress"));
    assert_eq!(reopen.note.as_deref(), Some("Sigue sin encender"));
    let reopen_count: i64 = s
        .connection()
        .query_row(
            "SELECT reopen_count FROM tickets WHERE number = ?1",
            [&n],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reopen_count, 1);
    // a reopened case is not auto-closed by its old survey due time
    assert!(s.autoclose(at("2026-03-20T10:00")).unwrap().is_empty());
    // and can be resolved again
    let again = ok(
        &mut s,
        &n,
        resolve("Se cambió la fuente"),
        "2026-03-03T10:00",
    );
    assert_eq!(again.status, TicketStatus::Resolved);
    assert_eq!(
        again.survey_due_at.as_deref(),
        Some("2026-03-05T10:00:00-05:00")
    );
}

#[test]
fn cancel_requires_a_reason_and_keeps_the_number() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    let e = assert_code(
        act(
            &mut s,
            &n,
            TicketAction::Cancel {
                reason: "  ".into(),
            },
            "2026-03-02T09:30",
        ),
        "validation",
    );
    assert!(e.to_string().contains("motivo"), "{e}");
    assert_eq!(
        s.get_ticket(&n, at("2026-03-02T09:30"))
            .unwrap()
            .ticket
            .status,
        TicketStatus::New
    );
    let c = ok(
        &mut s,
        &n,
        TicketAction::Cancel {
            reason: "Solicitud duplicada".into(),
        },
        "2026-03-02T09:30",
    );
    assert_eq!(c.status, TicketStatus::Cancelled);
    assert_eq!(c.number, n);
    assert!(!c.overdue, "un caso anulado nunca está vencido");
    let last = events(&s, &n, "2026-03-02T09:30").pop().unwrap();
    assert_eq!(last.kind, "cancel");
    assert_eq!(last.note.as_deref(), Some("Solicitud duplicada"));
    // nothing more can be done to it
    for a in [
        TicketAction::Start,
        TicketAction::Resume,
        TicketAction::Verify { confirmation: None },
        TicketAction::Cancel { reason: "x".into() },
        TicketAction::Assign {
            to: "Técnico de sistemas".into(),
        },
        resolve("x"),
    ] {
        assert_code(act(&mut s, &n, a, "2026-03-02T09:40"), "invalid_transition");
    }
    // cancelling a case on hold closes its pause
    let m = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    ok(&mut s, &m, TicketAction::Start, "2026-03-02T09:30");
    ok(&mut s, &m, hold("x"), "2026-03-02T09:40");
    ok(
        &mut s,
        &m,
        TicketAction::Cancel {
            reason: "Error".into(),
        },
        "2026-03-02T09:50",
    );
    let open_pauses: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM ticket_pauses WHERE ended_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open_pauses, 0);
}

#[test]
fn invalid_transitions_are_refused_and_change_nothing() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    let before = events(&s, &n, "2026-03-02T09:30").len();
    for a in [
        TicketAction::Resume,
        TicketAction::Verify { confirmation: None },
        TicketAction::Reject { reason: "x".into() },
        hold("x"),
        survey(&[5, 5, 5, 5]),
    ] {
        let e = assert_code(act(&mut s, &n, a, "2026-03-02T09:30"), "invalid_transition");
        assert!(e.to_string().contains("Nuevo"), "{e}");
    }
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:30");
    assert_code(
        act(&mut s, &n, TicketAction::Start, "2026-03-02T09:31"),
        "invalid_transition",
    );
    ok(&mut s, &n, hold("x"), "2026-03-02T09:32");
    for a in [
        TicketAction::Start,
        hold("y"),
        TicketAction::Escalate {
            to: "Ingeniero de sistemas".into(),
            reason: "x".into(),
        },
    ] {
        assert_code(act(&mut s, &n, a, "2026-03-02T09:33"), "invalid_transition");
    }
    ok(&mut s, &n, TicketAction::Resume, "2026-03-02T09:34");
    ok(&mut s, &n, resolve("listo"), "2026-03-02T09:35");
    for a in [
        TicketAction::Start,
        TicketAction::Resume,
        resolve("otra"),
        TicketAction::Cancel { reason: "x".into() },
        TicketAction::Assign {
            to: "Técnico de sistemas".into(),
        },
    ] {
        assert_code(act(&mut s, &n, a, "2026-03-02T09:36"), "invalid_transition");
    }
    // the failed attempts left no trace; successful ones did
    let ev = events(&s, &n, "2026-03-02T09:40");
    assert_eq!(
        kinds(&ev)[before..],
        [
            "assign",
            "first_response",
            "start",
            "hold",
            "resume",
            "update",
            "resolve"
        ]
    );
    assert_code(
        act(
            &mut s,
            "MA-2026-9999",
            TicketAction::Start,
            "2026-03-02T09:40",
        ),
        "ticket_not_found",
    );
    assert_code(
        act(
            &mut s,
            &n,
            TicketAction::Reject { reason: "x".into() },
            "2026-03-02T09:41",
        )
        .and_then(|_| {
            act(
                &mut s,
                &n,
                TicketAction::Verify { confirmation: None },
                "2026-03-02T09:42",
            )
        }),
        "invalid_transition",
    );
}

#[test]
fn escalation_rules() {
    let mut s = store();
    let mut i = input("Carlos", "Contabilidad", "Falla del aplicativo");
    i.service_type = Some("Actualización y soporte de aplicativos área financiera".into());
    let n = s
        .create_ticket(&i, "t", at("2026-03-02T09:00"))
        .unwrap()
        .number;
    // level 2 case cannot go down to level 1
    let e = assert_code(
        act(
            &mut s,
            &n,
            TicketAction::Escalate {
                to: "Técnico de sistemas".into(),
                reason: "x".into(),
            },
            "2026-03-02T09:10",
        ),
        "validation",
    );
    assert!(e.to_string().contains("nivel"), "{e}");
    // a reason is required
    assert_code(
        act(
            &mut s,
            &n,
            TicketAction::Escalate {
                to: "Proveedor externo".into(),
                reason: "".into(),
            },
            "2026-03-02T09:10",
        ),
        "validation",
    );
    // unknown staff
    assert_code(
        act(
            &mut s,
            &n,
            TicketAction::Escalate {
                to: "Fulano".into(),
                reason: "x".into(),
            },
            "2026-03-02T09:10",
        ),
        "catalog_not_found",
    );
    let t = ok(
        &mut s,
        &n,
        TicketAction::Escalate {
            to: "proveedor EXTERNO".into(),
            reason: "Garantía del fabricante".into(),
        },
        "2026-03-02T09:10",
    );
    assert_eq!(t.level, 3);
    assert_eq!(t.assignee.as_deref(), Some("Proveedor externo"));
    // nothing recorded for the refused attempts
    let ev = events(&s, &n, "2026-03-02T09:10");
    assert_eq!(ev.iter().filter(|e| e.kind == "escalate").count(), 1);
    // a new (unassigned) case escalated becomes assigned
    let m = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    let t = ok(
        &mut s,
        &m,
        TicketAction::Escalate {
            to: "Ingeniero de sistemas".into(),
            reason: "Requiere ingeniero".into(),
        },
        "2026-03-02T09:30",
    );
    assert_eq!(t.status, TicketStatus::Assigned);
    assert_eq!(t.level, 2);
}

#[test]
fn timeline_is_append_only() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:30");
    let e = s
        .connection()
        .execute("UPDATE ticket_events SET note = 'retocado'", [])
        .unwrap_err();
    assert!(e.to_string().contains("no se modifica"), "{e}");
    let e = s
        .connection()
        .execute(
            "UPDATE ticket_events SET at = '2020-01-01T00:00:00Z' WHERE kind = 'start'",
            [],
        )
        .unwrap_err();
    assert!(e.to_string().contains("no se modifica"), "{e}");
    let ev = events(&s, &n, "2026-03-02T09:30");
    assert!(ev.iter().all(|e| e.note.as_deref() != Some("retocado")));
    assert_eq!(
        ev.iter().find(|e| e.kind == "start").unwrap().at,
        "2026-03-02T09:30:00-05:00"
    );
}

#[test]
fn start_without_assignee_assigns_the_acting_staff_member() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    let t = s
        .apply_action(
            &n,
            &TicketAction::Start,
            "Ingeniero de sistemas",
            at("2026-03-02T09:30"),
        )
        .unwrap();
    assert_eq!(t.assignee.as_deref(), Some("Ingeniero de sistemas"));
    let ev = events(&s, &n, "2026-03-02T09:30");
    assert!(ev
        .iter()
        .all(|e| e.kind == "create" || e.actor == "Ingeniero de sistemas"));
}

// ---------------------------------------------------------------------------
// survey and automatic closing
// ---------------------------------------------------------------------------

#[test]
fn survey_scores_are_validated() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    assert_code(
        act(&mut s, &n, survey(&[5, 5, 5, 5]), "2026-03-02T09:30"),
        "invalid_transition",
    );
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:30");
    ok(&mut s, &n, resolve("ok"), "2026-03-02T10:00");
    for bad in [
        vec![],
        vec![5, 4, 5],
        vec![5, 4, 5, 4, 3],
        vec![0, 4, 5, 4],
        vec![5, 4, 6, 4],
        vec![5, -1, 5, 4],
    ] {
        let e = assert_code(
            act(&mut s, &n, survey(&bad), "2026-03-02T10:30"),
            "validation",
        );
        assert!(e.to_string().contains("encuesta"), "{e}");
    }
    let t = s.get_ticket(&n, at("2026-03-02T10:30")).unwrap().ticket;
    assert_eq!(t.status, TicketStatus::Resolved);
    assert_eq!(t.survey, None);
    let t = ok(&mut s, &n, survey(&[1, 2, 3, 5]), "2026-03-02T10:30");
    assert_eq!(t.status, TicketStatus::Closed);
    assert_eq!(t.close_reason.as_deref(), Some("survey"));
    assert_eq!(t.survey.unwrap().scores, [1, 2, 3, 5]);
}

#[test]
fn autoclose_exactly_at_the_boundary() {
    let mut s = store();
    let a = create_at(&mut s, "2026-03-02T08:30", "2026-03-02T08:35").number;
    let b = create_at(&mut s, "2026-03-02T08:30", "2026-03-02T08:35").number;
    let c = create_at(&mut s, "2026-03-02T08:30", "2026-03-02T08:35").number;
    for n in [&a, &b, &c] {
        ok(&mut s, n, TicketAction::Start, "2026-03-02T09:00");
        let r = ok(&mut s, n, resolve("Listo"), "2026-03-02T15:00");
        assert_eq!(
            r.survey_due_at.as_deref(),
            Some("2026-03-04T15:00:00-05:00")
        );
    }
    // c answers the survey: never auto-closed
    ok(&mut s, &c, survey(&[4, 4, 4, 4]), "2026-03-03T09:00");

    assert!(s.autoclose(at("2026-03-04T14:59")).unwrap().is_empty());
    assert!(s
        .autoclose(at("2026-03-04T14:59:59-05:00"))
        .unwrap()
        .is_empty());
    let t = s.get_ticket(&a, at("2026-03-04T14:59")).unwrap().ticket;
    assert_eq!(t.status, TicketStatus::Resolved);
    assert_eq!(t.closed_at, None);

    assert_eq!(
        s.autoclose(at("2026-03-04T15:00")).unwrap(),
        [a.clone(), b.clone()]
    );
    for n in [&a, &b] {
        let t = s.get_ticket(n, at("2026-03-04T15:00")).unwrap().ticket;
        assert_eq!(t.status, TicketStatus::Closed);
        assert_eq!(t.close_reason.as_deref(), Some("auto"));
        assert_eq!(t.closed_at.as_deref(), Some("2026-03-04T15:00:00-05:00"));
        let last = events(&s, n, "2026-03-04T15:00").pop().unwrap();
        assert_eq!(last.kind, "autoclose");
        assert_eq!(last.old_value.as_deref(), Some("resolved"));
        assert_eq!(last.new_value.as_deref(), Some("closed"));
    }
    // idempotent
    assert!(s.autoclose(at("2026-03-04T15:01")).unwrap().is_empty());
    let t = s.get_ticket(&c, at("2026-03-05T15:00")).unwrap().ticket;
    assert_eq!(t.close_reason.as_deref(), Some("survey"));
    assert_eq!(t.closed_at.as_deref(), Some("2026-03-03T09:00:00-05:00"));
}

#[test]
fn autoclose_later_sweep_uses_the_due_time() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-02T08:30", "2026-03-02T08:35").number;
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:00");
    ok(&mut s, &n, resolve("Listo"), "2026-03-02T15:00");
    assert_eq!(
        s.autoclose(at("2026-03-04T15:01")).unwrap(),
        std::slice::from_ref(&n)
    );
    let t = s.get_ticket(&n, at("2026-03-09T10:00")).unwrap().ticket;
    assert_eq!(t.closed_at.as_deref(), Some("2026-03-04T15:00:00-05:00"));
    assert_eq!(t.close_reason.as_deref(), Some("auto"));
    // auto-closed cases no longer accept a survey nor a verification
    assert_code(
        act(&mut s, &n, survey(&[5, 5, 5, 5]), "2026-03-09T10:00"),
        "invalid_transition",
    );
    assert_code(
        act(
            &mut s,
            &n,
            TicketAction::Verify { confirmation: None },
            "2026-03-09T10:00",
        ),
        "invalid_transition",
    );
}

#[test]
fn survey_due_on_friday_crosses_weekend_and_holiday() {
    let mut s = store();
    let n = create_at(&mut s, "2026-03-20T08:30", "2026-03-20T08:35").number;
    ok(&mut s, &n, TicketAction::Start, "2026-03-20T09:00");
    // Fri 20 → (Sat, Sun, Mon 23 San José) → Tue 24 (1) → Wed 25 (2)
    let r = ok(&mut s, &n, resolve("Listo"), "2026-03-20T10:00");
    assert_eq!(
        r.survey_due_at.as_deref(),
        Some("2026-03-25T10:00:00-05:00")
    );
    assert!(s.autoclose(at("2026-03-25T09:59")).unwrap().is_empty());
    assert_eq!(s.autoclose(at("2026-03-25T10:00")).unwrap(), [n]);
}

#[test]
fn survey_due_follows_the_business_days_setting() {
    let mut s = store();
    s.set_setting("survey_business_days", "3").unwrap();
    let n = create_at(&mut s, "2026-03-02T08:30", "2026-03-02T08:35").number;
    ok(&mut s, &n, TicketAction::Start, "2026-03-02T09:00");
    let r = ok(&mut s, &n, resolve("Listo"), "2026-03-02T15:00");
    assert_eq!(
        r.survey_due_at.as_deref(),
        Some("2026-03-05T15:00:00-05:00")
    );
}

// ---------------------------------------------------------------------------
// list, search, dashboard
// ---------------------------------------------------------------------------

/// Four cases (now = Thu 2026-03-05 15:00):
/// A 0001 Ana Gutiérrez, Tesorería, correo (Técnico, level 1), received Mon 09:00 — overdue;
/// B 0002 Carlos Mendoza, Contabilidad, financiero (Ingeniero, level 2), Tue 10:00 — overdue;
/// C 0003 Luz Daza, Tesorería, no type (new), Wed 11:00 — response due today 17:00;
/// D 0004 Jorge Castro, Almacén, mantenimiento, Thu 14:30 — resolved.
fn dataset() -> Store {
    let mut s = store();
    let now = at("2026-03-05T15:00");
    let mk = |req: &str, dep: &str, desc: &str, ty: Option<&str>, rec: &str| {
        let mut i = input(req, dep, desc);
        i.service_type = ty.map(str::to_string);
        i.received_at = Some(rec.into());
        i.email = Some("usuario@indupal.gov.co".into());
        i
    };
    for i in [
        mk(
            "Ana Gutiérrez",
            "Tesorería",
            "Olvidé la contraseña del correo",
            Some("Administración de correo electrónico institucional"),
            "2026-03-02T09:00",
        ),
        mk(
            "Carlos Mendoza",
            "Contabilidad",
            "El aplicativo financiero no genera reportes",
            Some("Actualización y soporte de aplicativos área financiera"),
            "2026-03-03T10:00",
        ),
        mk(
            "Luz Daza",
            "Tesorería",
            "Impresora atascada",
            None,
            "2026-03-04T11:00",
        ),
        mk(
            "Jorge Castro",
            "Almacén",
            "Equipo lento",
            Some("Mantenimiento de equipos de cómputo"),
            "2026-03-05T14:30",
        ),
    ] {
        s.create_ticket(&i, "Técnico de sistemas", now).unwrap();
    }
    ok(
        &mut s,
        "MA-2026-0004",
        resolve("Se limpió el disco y se reinstaló el antivirus"),
        "2026-03-05T15:00",
    );
    s
}

fn list(s: &Store, q: TicketQuery) -> TicketPage {
    s.list_tickets(&q, at("2026-03-05T15:00")).unwrap()
}

fn nums(p: &TicketPage) -> Vec<String> {
    let mut v = numbers(p);
    v.sort();
    v.into_iter().map(|n| n[8..].to_string()).collect()
}

#[test]
fn list_filters() {
    let s = dataset();
    let all = list(&s, TicketQuery::default());
    assert_eq!(all.total, 4);
    // default: received_at, newest first
    assert_eq!(
        numbers(&all),
        [
            "MA-2026-0004",
            "MA-2026-0003",
            "MA-2026-0002",
            "MA-2026-0001"
        ]
    );
    let q = |f: &dyn Fn(&mut TicketQuery)| {
        let mut q = TicketQuery::default();
        f(&mut q);
        let p = list(&s, q);
        assert_eq!(p.total as usize, p.items.len());
        nums(&p)
    };
    assert_eq!(
        q(&|q| q.status = Some(TicketStatus::Assigned)),
        ["0001", "0002"]
    );
    assert_eq!(q(&|q| q.status = Some(TicketStatus::New)), ["0003"]);
    assert_eq!(q(&|q| q.status = Some(TicketStatus::Resolved)), ["0004"]);
    assert!(q(&|q| q.status = Some(TicketStatus::Closed)).is_empty());
    assert_eq!(
        q(&|q| q.department = Some("tesorería".into())),
        ["0001", "0003"]
    );
    assert_eq!(
        q(&|q| q.service_type = Some("Administración de correo electrónico institucional".into())),
        ["0001"]
    );
    assert_eq!(
        q(&|q| q.assignee = Some("Ingeniero de sistemas".into())),
        ["0002"]
    );
    assert_eq!(
        q(&|q| q.assignee = Some("técnico de sistemas".into())),
        ["0001", "0004"]
    );
    assert_eq!(q(&|q| q.level = Some(2)), ["0002"]);
    assert_eq!(q(&|q| q.level = Some(1)), ["0001", "0003", "0004"]);
    assert_eq!(q(&|q| q.overdue = Some(true)), ["0001", "0002"]);
    assert_eq!(
        q(&|q| {
            q.from = Some("2026-03-03".into());
            q.to = Some("2026-03-04".into());
        }),
        ["0002", "0003"]
    );
    assert_eq!(q(&|q| q.from = Some("2026-03-05".into())), ["0004"]);
    assert_eq!(q(&|q| q.to = Some("2026-03-02".into())), ["0001"]);
    assert_eq!(
        q(&|q| {
            q.status = Some(TicketStatus::Assigned);
            q.department = Some("Tesorería".into());
        }),
        ["0001"]
    );
    let bad = TicketQuery {
        from: Some("marzo".into()),
        ..Default::default()
    };
    assert_code(s.list_tickets(&bad, at("2026-03-05T15:00")), "validation");
    // flags are set on the items
    let p = list(&s, TicketQuery::default());
    let flags: BTreeMap<&str, (bool, bool)> = p
        .items
        .iter()
        .map(|t| (&t.number[8..], (t.overdue, t.due_soon)))
        .collect();
    assert_eq!(flags["0001"], (true, false));
    assert_eq!(flags["0002"], (true, false));
    assert_eq!(flags["0003"], (false, true));
    assert_eq!(flags["0004"], (false, false));
}

#[test]
fn list_sorting_and_paging() {
    let s = dataset();
    let sorted = |key: &str, desc: bool| {
        numbers(&list(
            &s,
            TicketQuery {
                sort: Some(key.into()),
                desc,
                ..Default::default()
            },
        ))
        .into_iter()
        .map(|n| n[8..].to_string())
        .collect::<Vec<_>>()
    };
    assert_eq!(sorted("number", false), ["0001", "0002", "0003", "0004"]);
    assert_eq!(sorted("number", true), ["0004", "0003", "0002", "0001"]);
    assert_eq!(
        sorted("received_at", false),
        ["0001", "0002", "0003", "0004"]
    );
    // Ana, Carlos, Jorge, Luz
    assert_eq!(sorted("requester", false), ["0001", "0002", "0004", "0003"]);
    assert_eq!(sorted("requester", true), ["0003", "0004", "0002", "0001"]);
    // Almacén, Contabilidad, Tesorería (0001, 0003 by id)
    assert_eq!(
        sorted("department", false),
        ["0004", "0002", "0001", "0003"]
    );
    assert_eq!(sorted("level", true)[0], "0002");
    // resolution due: A Wed 4 09:00, C Thu 12 11:00, B Fri 6 10:00, D Mon 9 ...
    let by_due = sorted("resolution_due_at", false);
    assert_eq!(by_due[0], "0001");
    for key in ["status", "assignee", "service_type", "priority"] {
        assert_eq!(sorted(key, false).len(), 4, "{key}");
    }
    let e = assert_code(
        s.list_tickets(
            &TicketQuery {
                sort: Some("DROP TABLE tickets".into()),
                ..Default::default()
            },
            at("2026-03-05T15:00"),
        ),
        "validation",
    );
    assert!(e.to_string().contains("ordenar"), "{e}");

    let page = list(
        &s,
        TicketQuery {
            sort: Some("number".into()),
            desc: false,
            limit: 2,
            offset: 1,
            ..Default::default()
        },
    );
    assert_eq!(page.total, 4);
    assert_eq!(numbers(&page), ["MA-2026-0002", "MA-2026-0003"]);
    let page = list(
        &s,
        TicketQuery {
            sort: Some("number".into()),
            desc: false,
            limit: 2,
            offset: 3,
            ..Default::default()
        },
    );
    assert_eq!(page.total, 4);
    assert_eq!(numbers(&page), ["MA-2026-0004"]);
    let page = list(
        &s,
        TicketQuery {
            offset: 10,
            ..Default::default()
        },
    );
    assert_eq!(page.total, 4);
    assert!(page.items.is_empty());
}

#[test]
fn full_text_search() {
    let s = dataset();
    let search = |text: &str| {
        let p = s
            .list_tickets(
                &TicketQuery {
                    search: Some(text.into()),
                    ..Default::default()
                },
                at("2026-03-05T15:00"),
            )
            .unwrap_or_else(|e| panic!("búsqueda «{text}»: {e}"));
        assert_eq!(p.total as usize, p.items.len());
        nums(&p)
    };
    assert_eq!(search("contrasena"), ["0001"]);
    assert_eq!(search("contraseña"), ["0001"]);
    assert_eq!(search("CONTRASEÑA"), ["0001"]);
    assert_eq!(search("contra"), ["0001"], "prefijo");
    assert_eq!(search("mendoza"), ["0002"]);
    assert_eq!(search("gutierrez"), ["0001"]);
    assert_eq!(search("MA-2026-0003"), ["0003"]);
    assert_eq!(search("antivirus"), ["0004"], "busca en la solución");
    assert_eq!(
        search("impresora tesoreria"),
        Vec::<String>::new(),
        "tesorería no es texto buscable"
    );
    assert_eq!(search("impresora atascada"), ["0003"]);
    assert!(search("xilófono").is_empty());
    for weird in [
        "\"a\" OR NOT *",
        "\"",
        "*",
        "NEAR(a b)",
        "a AND",
        "-contraseña",
        "requester:ana",
        "'; DROP TABLE tickets; --",
        "^ana",
        "(",
    ] {
        search(weird);
    }
    // an empty/only-punctuation search means no filter
    assert_eq!(search("  ").len(), 4);
    assert_eq!(search("*").len(), 4);
    // combined with a filter
    let p = s
        .list_tickets(
            &TicketQuery {
                search: Some("ana".into()),
                status: Some(TicketStatus::Resolved),
                ..Default::default()
            },
            at("2026-03-05T15:00"),
        )
        .unwrap();
    assert_eq!(p.total, 0);
}

#[test]
fn search_sees_requester_and_solution_updates() {
    let mut s = dataset();
    ok(
        &mut s,
        "MA-2026-0001",
        resolve("Se restableció la clave en el servidor"),
        "2026-03-05T16:00",
    );
    let p = s
        .list_tickets(
            &TicketQuery {
                search: Some("servidor".into()),
                ..Default::default()
            },
            at("2026-03-05T16:00"),
        )
        .unwrap();
    assert_eq!(numbers(&p), ["MA-2026-0001"]);
}

#[test]
fn dashboard_counts() {
    let s = dataset();
    let d = s.dashboard(at("2026-03-05T15:00")).unwrap();
    assert_eq!(d.open, 3);
    assert_eq!(d.overdue, 2);
    assert_eq!(d.due_today, 1, "C vence hoy a las 17:00");
    assert_eq!(d.awaiting_survey, 1);
    let by: BTreeSet<(String, i64, i64)> = d
        .by_assignee
        .iter()
        .map(|a| (a.assignee.clone(), a.open, a.overdue))
        .collect();
    assert_eq!(
        by,
        BTreeSet::from([
            ("".to_string(), 1, 0),
            ("Ingeniero de sistemas".to_string(), 1, 1),
            ("Técnico de sistemas".to_string(), 1, 1),
        ])
    );
    let by_type: BTreeMap<String, i64> = d
        .by_type
        .iter()
        .map(|t| (t.service_type.clone(), t.count))
        .collect();
    assert_eq!(by_type.values().sum::<i64>(), 3);
    assert_eq!(by_type.get(""), Some(&1));

    // earlier on Monday 2026-03-02 at 08:00 nothing is overdue yet
    let d = s.dashboard(at("2026-03-02T08:00")).unwrap();
    assert_eq!(d.overdue, 0);
    // the following Monday C's response (Thu 17:00) is overdue too
    let d = s.dashboard(at("2026-03-09T08:00")).unwrap();
    assert_eq!(d.overdue, 3);
    assert_eq!(d.due_today, 0);
}

// ---------------------------------------------------------------------------
// mailto
// ---------------------------------------------------------------------------

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn survey_mailto_is_encoded_and_names_the_case() {
    let mut s = dataset();
    let url = s.survey_mailto("MA-2026-0004").unwrap();
    assert!(
        url.starts_with("mailto:usuario@indupal.gov.co?subject="),
        "{url}"
    );
    assert!(url.contains("MA-2026-0004"));
    assert!(url.is_ascii(), "{url}");
    assert!(!url.contains(' ') && !url.contains('\n'), "{url}");
    let (_, query) = url.split_once('?').unwrap();
    let parts: BTreeMap<&str, String> = query
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k, percent_decode(v))
        })
        .collect();
    assert_eq!(parts.len(), 2, "{query}");
    assert!(parts["subject"].contains("MA-2026-0004"));
    assert!(parts["subject"].contains("Encuesta de satisfacción"));
    let body = &parts["body"];
    assert!(body.contains("Jorge Castro"), "{body}");
    assert!(body.contains("Se limpió el disco"), "{body}");
    assert!(body.contains("Oportunidad de la atención"), "{body}");
    // a requester text with & and = cannot break the query
    let mut i = input("Pérez & Cía = S.A.S?", "Tesorería", "a&b=c #1 100%");
    i.email = Some("p@x.co".into());
    let t = s.create_ticket(&i, "t", at("2026-03-05T15:00")).unwrap();
    let url = s.survey_mailto(&t.number).unwrap();
    let (_, query) = url.split_once('?').unwrap();
    assert_eq!(query.matches('&').count(), 1, "{url}");
    assert!(!url.contains('#'));
    // no e-mail
    let t = create_at(&mut s, "2026-03-05T14:00", "2026-03-05T15:00");
    let e = assert_code(s.survey_mailto(&t.number), "validation");
    assert!(e.to_string().contains("correo"), "{e}");
    assert_code(s.survey_mailto("MA-2026-9999"), "ticket_not_found");
}

// ---------------------------------------------------------------------------
// calendar changes
// ---------------------------------------------------------------------------

#[test]
fn recompute_after_calendar_change_moves_deadlines() {
    let mut s = store();
    let a = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    // B on hold keeps null deadlines
    let b = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    ok(&mut s, &b, TicketAction::Start, "2026-03-02T09:30");
    ok(&mut s, &b, hold("Proveedor"), "2026-03-02T10:00");
    // C resolved Monday 15:00: survey due Wednesday 15:00
    let c = create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number;
    ok(&mut s, &c, TicketAction::Start, "2026-03-02T09:30");
    ok(&mut s, &c, resolve("Listo"), "2026-03-02T15:00");

    let mut cfg = s.calendar_config().unwrap();
    cfg.closed_days.push("2026-03-03".into());
    let n = s.set_calendar(&cfg).unwrap();
    assert_eq!(n, 3);
    let now = at("2026-03-02T16:00");
    let t = s.get_ticket(&a, now).unwrap().ticket;
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-04T15:15:00-05:00")
    );
    assert_eq!(
        t.resolution_due_at.as_deref(),
        Some("2026-03-11T09:15:00-05:00")
    );
    let t = s.get_ticket(&b, now).unwrap().ticket;
    assert_eq!(t.resolution_due_at, None);
    let t = s.get_ticket(&c, now).unwrap().ticket;
    assert_eq!(
        t.survey_due_at.as_deref(),
        Some("2026-03-05T15:00:00-05:00"),
        "la encuesta también se cuenta en días hábiles del calendario vigente"
    );
    // persisted: a new case uses the new calendar too
    let d = create_at(&mut s, "2026-03-02T17:00", "2026-03-02T17:05");
    assert_eq!(
        d.response_due_at.as_deref(),
        Some("2026-03-05T11:00:00-05:00")
    );
    // and back
    cfg.closed_days.clear();
    s.set_calendar(&cfg).unwrap();
    let t = s.get_ticket(&a, now).unwrap().ticket;
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-03T15:15:00-05:00")
    );
    let t = s.get_ticket(&c, now).unwrap().ticket;
    assert_eq!(
        t.survey_due_at.as_deref(),
        Some("2026-03-04T15:00:00-05:00")
    );
}

#[test]
fn recompute_with_a_file_store_persists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mesa.db");
    let number = {
        let mut s = Store::open(&path).unwrap();
        create_at(&mut s, "2026-03-02T09:15", "2026-03-02T09:20").number
    };
    {
        let mut s = Store::open(&path).unwrap();
        let cfg = CalendarConfig {
            closed_ranges: vec![("2026-03-03T08:00".into(), "2026-03-03T12:00".into())],
            ..CalendarConfig::default()
        };
        s.set_calendar(&cfg).unwrap();
    }
    let s = Store::open(&path).unwrap();
    let t = s
        .get_ticket(&number, at("2026-03-02T10:00"))
        .unwrap()
        .ticket;
    // Tuesday morning closed: 240 minutes later
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-04T09:15:00-05:00")
    );
    assert_eq!(s.calendar_config().unwrap().closed_ranges.len(), 1);
}

// ---------------------------------------------------------------------------
// demo data
// ---------------------------------------------------------------------------

fn all_tickets(s: &Store, now: DateTime<Utc>) -> Vec<Ticket> {
    let p = s
        .list_tickets(
            &TicketQuery {
                sort: Some("number".into()),
                desc: false,
                limit: 10_000,
                ..Default::default()
            },
            now,
        )
        .unwrap();
    assert_eq!(p.total as usize, p.items.len());
    p.items
}

fn ts(s: &Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref().map(at)
}

#[test]
fn demo_generates_consistent_deterministic_data() {
    let now = at("2026-06-15T10:00");
    let mut s = store();
    assert_eq!(
        mesa_core::tickets::demo::generate(&mut s, 500, 7, now).unwrap(),
        500
    );
    let items = all_tickets(&s, now);
    assert_eq!(items.len(), 500);
    let distinct: HashSet<&str> = items.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(distinct.len(), 500);
    let cats = s.catalogs().unwrap();
    let mut statuses = BTreeSet::new();
    let mut reasons = BTreeSet::new();
    for t in &items {
        let ctx = format!("{t:?}");
        statuses.insert(t.status.as_str());
        assert!(
            t.number.starts_with("MA-2025-") || t.number.starts_with("MA-2026-"),
            "{ctx}"
        );
        let received = ts(&t.received_at).unwrap();
        let registered = at(&t.registered_at);
        assert!(received <= registered && registered <= now, "{ctx}");
        assert!(
            !t.requester.is_empty() && !t.description.is_empty(),
            "{ctx}"
        );
        assert!(cats.departments.contains(&t.department), "{ctx}");
        assert!(t.email.as_deref().unwrap().contains('@'), "{ctx}");
        assert_eq!(t.extra.get("demo").map(String::as_str), Some("sí"), "{ctx}");
        assert!(
            t.response_due_at.is_some() && t.resolution_due_at.is_some(),
            "{ctx}"
        );
        assert!(ts(&t.response_due_at).unwrap() > received, "{ctx}");
        match t.status {
            TicketStatus::New => assert!(t.assignee.is_none(), "{ctx}"),
            _ => assert!(t.assignee.is_some(), "{ctx}"),
        }
        if let Some(f) = ts(&t.first_response_at) {
            assert!(f >= registered && f <= now, "{ctx}");
        }
        let resolved = ts(&t.resolved_at);
        let closed = ts(&t.closed_at);
        match t.status {
            TicketStatus::Resolved | TicketStatus::Closed => {
                let r = resolved.expect("resuelto sin fecha");
                assert!(r >= received && r <= now, "{ctx}");
                assert!(r >= ts(&t.first_response_at).unwrap(), "{ctx}");
                assert!(t.solution.is_some(), "{ctx}");
                assert!(t.survey_due_at.is_some(), "{ctx}");
            }
            _ => {
                assert!(resolved.is_none() && t.solution.is_none(), "{ctx}");
            }
        }
        if t.status == TicketStatus::Closed {
            let c = closed.expect("cerrado sin fecha");
            assert!(c >= resolved.unwrap() && c <= now, "{ctx}");
            let reason = t.close_reason.as_deref().unwrap();
            reasons.insert(reason.to_string());
            match reason {
                "survey" => {
                    let sv = t
                        .survey
                        .as_ref()
                        .expect("cerrado por encuesta sin encuesta");
                    assert_eq!(sv.scores.len(), cats.survey_questions.len());
                    assert!(sv.scores.iter().all(|x| (1..=5).contains(x)));
                    assert_eq!(Some(at(&sv.answered_at)), closed, "{ctx}");
                }
                "auto" => {
                    assert!(t.survey.is_none(), "{ctx}");
                    assert_eq!(closed, ts(&t.survey_due_at), "{ctx}");
                }
                other => panic!("motivo de cierre inesperado {other}"),
            }
        } else {
            assert!(closed.is_none() && t.close_reason.is_none(), "{ctx}");
        }
        if t.status == TicketStatus::Resolved {
            assert!(t.survey.is_none(), "{ctx}");
        }
        if t.status == TicketStatus::Cancelled {
            let reason: Option<String> = s
                .connection()
                .query_row(
                    "SELECT cancel_reason FROM tickets WHERE number = ?1",
                    [&t.number],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(reason.is_some(), "anulado sin motivo: {ctx}");
        }
    }
    assert!(statuses.len() >= 5, "{statuses:?}");
    assert_eq!(reasons, BTreeSet::from(["auto".into(), "survey".into()]));
    // numbers follow the counters without gaps per year
    let counters: Vec<(i64, i64)> = {
        let mut st = s
            .connection()
            .prepare("SELECT year, last FROM ticket_counters ORDER BY year")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap()
    };
    assert_eq!(counters.iter().map(|c| c.1).sum::<i64>(), 500);
    // every demo case has its creation in the timeline
    let creates: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM ticket_events WHERE kind = 'create'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(creates, 500);
    // the demo cases work with the rest of the app
    let d = s.dashboard(now).unwrap();
    assert!(d.open > 0);
    let found = s
        .list_tickets(
            &TicketQuery {
                search: Some("contrasena".into()),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    assert!(found.total > 0);

    // deterministic for a seed
    let mut s2 = store();
    mesa_core::tickets::demo::generate(&mut s2, 500, 7, now).unwrap();
    assert_eq!(all_tickets(&s2, now), items);
    let mut s3 = store();
    mesa_core::tickets::demo::generate(&mut s3, 500, 8, now).unwrap();
    assert_ne!(all_tickets(&s3, now), items);
    // after real cases, demo numbers continue the sequence
    let mut s4 = store();
    create_at(&mut s4, "2026-06-15T08:00", "2026-06-15T08:05");
    mesa_core::tickets::demo::generate(&mut s4, 20, 1, now).unwrap();
    let items = all_tickets(&s4, now);
    let distinct: HashSet<&str> = items.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(distinct.len(), 21);
}

#[test]
fn demo_then_autoclose_is_consistent() {
    let now = at("2026-06-15T10:00");
    let mut s = store();
    mesa_core::tickets::demo::generate(&mut s, 300, 3, now).unwrap();
    let closed = s.autoclose(now).unwrap();
    for n in closed {
        let t = s.get_ticket(&n, now).unwrap().ticket;
        assert!(at(t.closed_at.as_deref().unwrap()) <= now);
        assert!(at(t.closed_at.as_deref().unwrap()) >= at(t.resolved_at.as_deref().unwrap()));
    }
}

#[test]
fn open_and_due_today_filters_match_the_dashboard() {
    let mut s = store();
    // received Monday 08:00 with a 480-minute type: resolution due Monday 18:00
    let mut a = input("Ana Daza", "Tesorería", "Se apagó el computador");
    a.service_type = Some("Apoyo para alistamiento de equipos en reuniones".into());
    a.received_at = Some("2026-03-02T08:00".into());
    let due_today = s.create_ticket(&a, "t", at("2026-03-02T08:05")).unwrap();
    // an old case, overdue by Monday
    let old = create_at(&mut s, "2026-02-02T08:00", "2026-02-02T08:10");
    // a fresh case with a generous deadline, cancelled: not open
    let gone = create_at(&mut s, "2026-03-02T09:00", "2026-03-02T09:05");
    ok(
        &mut s,
        &gone.number,
        TicketAction::Cancel {
            reason: "duplicado".into(),
        },
        "2026-03-02T09:10",
    );
    let now = at("2026-03-02T10:00");
    let dash = s.dashboard(now).unwrap();
    let open = s
        .list_tickets(
            &TicketQuery {
                open: Some(true),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    assert_eq!(open.total, dash.open);
    assert_eq!(open.total, 2);
    let today = s
        .list_tickets(
            &TicketQuery {
                due_today: Some(true),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    assert_eq!(today.total, dash.due_today);
    assert_eq!(numbers(&today), vec![due_today.number.clone()]);
    let both = s
        .list_tickets(
            &TicketQuery {
                due_today: Some(true),
                overdue: Some(true),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    assert_eq!(both.total, 0, "overdue and due-today exclude each other");
    let overdue = s
        .list_tickets(
            &TicketQuery {
                overdue: Some(true),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    assert_eq!(numbers(&overdue), vec![old.number]);
}

#[test]
fn maintained_counts_match_real_counts_for_every_status_and_department() {
    let mut s = store();
    let deps = ["Tesorería", "Almacén", "Sistemas"];
    let mut numbers = Vec::new();
    for i in 0..30 {
        let mut t = input("Ana", deps[i % 3], "No enciende");
        t.received_at = Some("2026-03-02T08:00".into());
        numbers.push(
            s.create_ticket(&t, "t", at("2026-03-02T08:10"))
                .unwrap()
                .number,
        );
    }
    for (i, n) in numbers.iter().enumerate() {
        match i % 5 {
            0 => {
                ok(
                    &mut s,
                    n,
                    TicketAction::Cancel {
                        reason: "dup".into(),
                    },
                    "2026-03-02T09:00",
                );
            }
            1 => {
                ok(&mut s, n, TicketAction::Start, "2026-03-02T09:00");
            }
            2 => {
                ok(&mut s, n, TicketAction::Start, "2026-03-02T09:00");
                ok(&mut s, n, resolve("listo"), "2026-03-02T10:00");
            }
            _ => {}
        }
    }
    let real = |status: Option<&str>, dep: Option<&str>| -> i64 {
        s.connection()
            .query_row(
                "SELECT count(*) FROM tickets WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR department = ?2)",
                mesa_core::params![status, dep],
                |r| r.get(0),
            )
            .unwrap()
    };
    let now = at("2026-03-02T11:00");
    for status in [
        None,
        Some(TicketStatus::New),
        Some(TicketStatus::InProgress),
        Some(TicketStatus::Resolved),
        Some(TicketStatus::Cancelled),
    ] {
        for dep in [None, Some("Tesorería"), Some("Almacén"), Some("Sistemas")] {
            let q = TicketQuery {
                status,
                department: dep.map(str::to_string),
                ..Default::default()
            };
            let total = s.list_tickets(&q, now).unwrap().total;
            assert_eq!(
                total,
                real(status.map(|x| x.as_str()), dep),
                "{status:?} {dep:?}"
            );
        }
    }
}

#[test]
fn level_targets_apply_at_registration_and_on_escalation() {
    use mesa_core::settings::catalogs::LevelTarget;
    let mut s = store();
    // Level 2 (engineer) of any type: 4 h to respond, 8 h to solve.
    s.set_level_target(&LevelTarget {
        service_type: None,
        level: 2,
        response_minutes: 240,
        resolution_minutes: 480,
    })
    .unwrap();
    // Received Monday 2026-03-02 08:00, plain case: level 1 with the defaults (720/2880).
    let t = create_at(&mut s, "2026-03-02T08:00", "2026-03-02T08:05");
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-03T12:00:00-05:00")
    );
    // Escalated to the engineer: the level-2 targets, counted from reception.
    let e = ok(
        &mut s,
        &t.number,
        TicketAction::Escalate {
            to: "Ingeniero de sistemas".into(),
            reason: "requiere ingeniero".into(),
        },
        "2026-03-02T09:00",
    );
    assert_eq!(e.level, 2);
    assert_eq!(
        e.response_due_at.as_deref(),
        Some("2026-03-02T12:00:00-05:00")
    );
    assert_eq!(
        e.resolution_due_at.as_deref(),
        Some("2026-03-02T18:00:00-05:00")
    );
    // A type-specific row wins over the any-type row for that type, at registration.
    s.set_level_target(&LevelTarget {
        service_type: Some("actualizacion y soporte de aplicativos area financiera".into()),
        level: 2,
        response_minutes: 60,
        resolution_minutes: 120,
    })
    .unwrap();
    let mut i = input("Luz", "Contabilidad", "El aplicativo no abre");
    i.service_type = Some("Actualización y soporte de aplicativos área financiera".into());
    i.received_at = Some("2026-03-02T08:00".into());
    let f = s.create_ticket(&i, "t", at("2026-03-02T08:05")).unwrap();
    assert_eq!(f.level, 2);
    assert_eq!(
        f.response_due_at.as_deref(),
        Some("2026-03-02T09:00:00-05:00")
    );
    assert_eq!(
        f.resolution_due_at.as_deref(),
        Some("2026-03-02T10:00:00-05:00")
    );
    assert_eq!(s.level_targets().unwrap().len(), 2);
    // Unknown type and bad level are refused.
    assert!(s
        .set_level_target(&LevelTarget {
            service_type: Some("No existe".into()),
            level: 2,
            response_minutes: 60,
            resolution_minutes: 60
        })
        .is_err());
    assert!(s
        .set_level_target(&LevelTarget {
            service_type: None,
            level: 4,
            response_minutes: 60,
            resolution_minutes: 60
        })
        .is_err());
    s.remove_level_target(None, 2).unwrap();
    assert_eq!(s.level_targets().unwrap().len(), 1);
}

/// A store with one new case, registered 02/03/2026 09:00.
fn store_with_one_case() -> (Store, Ticket) {
    let mut s = store();
    let t = s
        .create_ticket(
            &input("Ana Díaz", "Tesorería", "No imprime"),
            "técnico",
            at("2026-03-02T09:00"),
        )
        .unwrap();
    (s, t)
}

/// Issue 12's defect: an unknown status in the database (written by a newer version or by
/// hand) was read as «Nuevo» / «Bueno». Now reading it fails with a clear error, for cases and
/// equipment, in the detail, the list and the export.
#[test]
fn unknown_stored_enum_values_are_refused_not_defaulted() {
    let (mut s, t) = store_with_one_case();
    s.create_asset(
        &mesa_core::assets::NewAsset {
            tag: "IND0001".into(),
            kind: "Computador de escritorio".into(),
            ..Default::default()
        },
        "técnico",
        at("2026-03-02T09:00"),
    )
    .unwrap();
    let c = s.connection();
    c.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         UPDATE tickets SET status = 'archived';
         UPDATE assets SET status = 'lost';
         PRAGMA ignore_check_constraints = OFF;",
    )
    .unwrap();
    let now = at("2026-03-02T10:00");
    let e = s.get_ticket(&t.number, now).unwrap_err();
    assert_eq!(e.code(), "unknown_stored_value", "{e}");
    assert!(e.to_string().contains("«tickets.status»"), "{e}");
    assert!(e.to_string().contains("«archived»"), "{e}");
    let e = s.list_tickets(&TicketQuery::default(), now).unwrap_err();
    assert_eq!(e.code(), "unknown_stored_value", "{e}");
    let dir = tempfile::tempdir().unwrap();
    let e = s
        .export_cases_csv(
            &TicketQuery::default(),
            &dir.path().join("casos.csv"),
            now,
            |_, _| {},
        )
        .unwrap_err();
    assert_eq!(e.code(), "unknown_stored_value", "{e}");
    assert!(!dir.path().join("casos.csv").exists(), "nada a medias");
    let e = s.get_asset("IND0001").unwrap_err();
    assert_eq!(e.code(), "unknown_stored_value", "{e}");
    assert!(e.to_string().contains("«lost»"), "{e}");
    // Known codes still read, and only exact codes (labels are for input, not storage).
    assert_eq!(
        TicketStatus::from_db("on_hold").unwrap(),
        TicketStatus::OnHold
    );
    assert!(TicketStatus::from_db("En espera").is_err());
}

/// Issue 12's defect: the UI kept its own copy of which actions each status allows, and it
/// disagreed with the core. Now the case detail carries `allowed_actions`, computed by the same
/// rule `apply_action` enforces: for every status, every kind of action succeeds past the
/// status check exactly when the detail offers it.
#[test]
fn the_detail_offers_exactly_the_actions_the_lifecycle_accepts() {
    let example = |k: ActionKind| match k {
        ActionKind::Assign => TicketAction::Assign {
            to: "Técnico de sistemas".into(),
        },
        ActionKind::Start => TicketAction::Start,
        ActionKind::Resume => TicketAction::Resume,
        ActionKind::Hold => TicketAction::Hold {
            reason: "Esperando repuesto".into(),
        },
        ActionKind::Escalate => TicketAction::Escalate {
            to: "Ingeniero de sistemas".into(),
            reason: "Requiere ingeniero".into(),
        },
        ActionKind::Resolve => resolve("Se cambió el cable"),
        ActionKind::Verify => TicketAction::Verify { confirmation: None },
        ActionKind::Reject => TicketAction::Reject {
            reason: "Sigue fallando".into(),
        },
        ActionKind::Survey => TicketAction::Survey {
            scores: vec![5, 5, 5, 5],
            comment: None,
        },
        ActionKind::Cancel => TicketAction::Cancel {
            reason: "Duplicado".into(),
        },
    };
    let paths: [(&str, &[ActionKind]); 8] = [
        ("new", &[]),
        ("assigned", &[ActionKind::Assign]),
        ("in_progress", &[ActionKind::Start]),
        ("on_hold", &[ActionKind::Start, ActionKind::Hold]),
        ("resolved", &[ActionKind::Start, ActionKind::Resolve]),
        (
            "closed (verificado)",
            &[ActionKind::Start, ActionKind::Resolve, ActionKind::Verify],
        ),
        (
            "closed (con encuesta)",
            &[ActionKind::Start, ActionKind::Resolve, ActionKind::Survey],
        ),
        ("cancelled", &[ActionKind::Cancel]),
    ];
    let when = at("2026-03-02T10:00");
    let mut seen = BTreeSet::new();
    for (name, path) in paths {
        for kind in ActionKind::ALL {
            let (mut s, t) = store_with_one_case();
            for step in path {
                s.apply_action(&t.number, &example(*step), "técnico", when)
                    .unwrap_or_else(|e| panic!("{name}: {step:?}: {e}"));
            }
            let detail = s.get_ticket(&t.number, when).unwrap();
            seen.insert(detail.ticket.status.as_str());
            let offered = detail.allowed_actions.contains(&kind);
            let outcome = s.apply_action(&t.number, &example(kind), "técnico", when);
            let refused_by_status = matches!(&outcome, Err(e) if e.code() == "invalid_transition");
            assert_eq!(
                offered, !refused_by_status,
                "{name}: {kind:?} ofrecida={offered}, resultado={outcome:?}"
            );
        }
    }
    assert_eq!(seen.len(), 7, "todos los estados: {seen:?}");
}

/// Issue 12's defect: the UI kept copies of the equipment kinds (15, the core has 17), the
/// decommission causes and the infrastructure areas. The catalogs now serve the core's lists.
#[test]
fn catalogs_serve_the_core_lists() {
    let s = store();
    let c = s.catalogs().unwrap();
    assert_eq!(c.asset_kinds, mesa_core::assets::ASSET_KINDS.to_vec());
    assert!(c.asset_kinds.iter().any(|k| k == "Firewall"));
    assert_eq!(
        c.decommission_causes,
        mesa_core::assets::DECOMMISSION_CAUSES.to_vec()
    );
    assert_eq!(c.infra_areas, mesa_core::maintenance::INFRA_AREAS.to_vec());
    assert_eq!(c.channels, mesa_core::CHANNELS.to_vec());
}
